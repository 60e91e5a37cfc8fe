package dev.baton.server;

import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix socket's file: its directory is 0700 and owned by this user, a stale socket left by a
 * crashed broker is taken over, and a live broker on it stops this one from starting.
 */
final class SocketFile {
  private static final Logger LOG = LoggerFactory.getLogger(SocketFile.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private SocketFile() {}

  /** Makes the socket path ready to bind. */
  static void prepare(Path socket) {
    Path dir = socket.getParent();
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, DataDirectory.OWNER_ONLY_DIR);
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      long me = dev.baton.config.Os.uid();
      if (owner != me) {
        throw new BrokerStartException(
            ErrorCode.CONFIG_INVALID,
            "socket directory "
                + dir
                + " belongs to uid "
                + owner
                + ", not to you (uid "
                + me
                + "); choose another server.socket");
      }
      if (!Files.getPosixFilePermissions(dir).equals(DataDirectory.OWNER_ONLY_DIR)) {
        // Never chmod a directory baton did not make (it could be /tmp or a home directory).
        throw new BrokerStartException(
            ErrorCode.CONFIG_INVALID,
            "socket directory "
                + dir
                + " is open to other users (mode "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                + "); the socket needs a directory only you can enter. Run 'chmod 700 "
                + dir
                + "' or choose a socket path in a new directory (server.socket)");
      }
      if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if ((mode & S_IFMT) != S_IFSOCK) {
        throw new BrokerStartException(
            ErrorCode.CONFIG_INVALID,
            socket + " exists and is not a socket; remove it or choose another server.socket");
      }
      if (answers(socket)) {
        throw new BrokerStartException(
            ErrorCode.BROKER_ALREADY_RUNNING,
            "a baton broker is already running on "
                + socket
                + "; use it, or stop it first ('baton status' shows its pid)");
      }
      Files.delete(socket);
      LOG.info("took over stale socket {} left by a broker that did not stop cleanly", socket);
    } catch (IOException e) {
      throw new BrokerStartException(
          ErrorCode.CONFIG_INVALID, "cannot prepare socket " + socket + ": " + e.getMessage(), e);
    }
  }

  /** Owner-only access: the socket's permissions are the Unix listener's whole access control. */
  static void restrict(Path socket) {
    try {
      Files.setPosixFilePermissions(socket, DataDirectory.OWNER_ONLY_FILE);
    } catch (IOException e) {
      throw new BrokerStartException(
          ErrorCode.CONFIG_INVALID,
          "cannot restrict permissions of " + socket + ": " + e.getMessage(),
          e);
    }
  }

  static void remove(Path socket) {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("cannot remove socket {}: {}", socket, e.getMessage());
    }
  }

  private static boolean answers(Path socket) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
