package dev.baton.server;

import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's data directory (0700): the bearer token (0600) and the lock that keeps a second
 * broker from opening the same store.
 */
public final class DataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private DataDirectory() {}

  /**
   * Creates the directory 0700. An existing directory keeps its permissions (it may be shared on
   * purpose); everything baton writes in it is 0600 anyway.
   */
  static void prepare(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        LOG.info("created data directory {}", dir);
      } else if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
        LOG.warn(
            "data directory {} is open to other users (mode {}); its files are 0600, but 'chmod 700 {}' is safer",
            dir,
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)),
            dir);
      }
    } catch (IOException e) {
      throw new BrokerStartException(
          ErrorCode.CONFIG_INVALID,
          "cannot prepare data directory " + dir + " (data-dir): " + e.getMessage(),
          e);
    }
  }

  /** Reads the token, creating a random one (0600) on first start. */
  static String ensureToken(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
          Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
          LOG.info("generated a bearer token for TCP clients in {}", file);
          return token;
        } catch (FileAlreadyExistsException raced) {
          // another process created it first; read theirs
        }
      }
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      return readToken(file);
    } catch (IOException e) {
      throw new BrokerStartException(
          ErrorCode.CONFIG_INVALID, "cannot create token file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The broker's bearer token, created (with the data directory) when the broker has not run yet,
   * so that setup commands can write client configuration before the first start.
   */
  public static String token(Path dataDir, Path file) {
    prepare(dataDir);
    return ensureToken(file);
  }

  /**
   * Reads an existing token.
   *
   * @throws IOException when the file is missing or empty
   */
  public static String readToken(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.isEmpty()) {
      throw new IOException("token file " + file + " is empty; delete it and restart the broker");
    }
    return token;
  }

  /** Holds the data directory's lock for the broker's lifetime. */
  static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static Lock acquire(Path file) {
      FileChannel channel = null;
      try {
        channel =
            FileChannel.open(
                file,
                Set.of(
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
          channel.close();
          throw new BrokerStartException(
              ErrorCode.BROKER_ALREADY_RUNNING,
              "another baton broker"
                  + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                  + " already uses the data directory "
                  + file.getParent()
                  + "; stop it first, or give this one another --data-dir");
        }
        channel.truncate(0);
        channel.write(
            ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
            0);
        channel.force(false);
        return new Lock(channel, lock);
      } catch (IOException e) {
        if (channel != null) {
          try {
            channel.close();
          } catch (IOException ignored) {
            // already failing
          }
        }
        throw new BrokerStartException(
            ErrorCode.CONFIG_INVALID, "cannot lock " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        LOG.debug("releasing the data directory lock failed", e);
      }
    }
  }
}
