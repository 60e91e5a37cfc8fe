package dev.baton.api;

/**
 * The body of {@code POST /v1/fleet/sessions} and {@code DELETE /v1/fleet/sessions}, and one
 * session in their answers.
 *
 * @param socket the tmux server's socket path ({@code tmux display-message -p '#{socket_path}'})
 * @param session the tmux session's name
 */
public record FleetSessionBody(String socket, String session) {}
