package dev.baton.handoff;

import dev.baton.events.NewEvent;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseTransfer;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A handoff about to be sent, with everything {@link HandoffStore#send} stores in its one
 * transaction: the leases that move, the sender's checkpoint, the handoff, the message that
 * announces it, and their events. The functions run inside the transaction: they must not touch the
 * store, start processes or wait.
 *
 * @param transfer the leases that move to the recipient, or null when none do
 * @param checkpoint the sender's checkpoint (its id is ignored), given the leases that moved
 * @param checkpointEvent the event stored with the checkpoint
 * @param handoff the handoff (its id is ignored), given the stored checkpoint and the leases that
 *     moved
 * @param notice the message that announces the stored handoff, or a function giving null for none
 * @param event the event stored with the handoff
 */
public record NewHandoff(
    LeaseTransfer transfer,
    Function<List<Lease>, Checkpoint> checkpoint,
    Function<Checkpoint, NewEvent> checkpointEvent,
    BiFunction<Checkpoint, List<Lease>, Handoff> handoff,
    Function<Handoff, Message> notice,
    Function<Handoff, NewEvent> event) {
  public NewHandoff {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(checkpointEvent, "checkpointEvent");
    Objects.requireNonNull(handoff, "handoff");
    Objects.requireNonNull(notice, "notice");
    Objects.requireNonNull(event, "event");
  }
}
