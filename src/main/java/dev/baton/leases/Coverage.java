package dev.baton.leases;

import java.nio.file.Path;
import java.util.List;

/**
 * Who holds or covers a concrete path.
 *
 * @param workspace the workspace root
 * @param path the path, relative to it
 * @param leases live leases whose pattern covers the path or lies beneath it
 */
public record Coverage(Path workspace, String path, List<Lease> leases) {}
