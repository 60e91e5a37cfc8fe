package dev.baton.memory;

import java.util.List;

/**
 * What a markdown export wrote.
 *
 * @param directory the folder, as a real path
 * @param files the files written, relative to the folder
 * @param items the items exported
 * @param privateItems how many of them are the caller's private items (marked so in the files)
 */
public record ExportSummary(String directory, List<String> files, int items, int privateItems) {
  public ExportSummary {
    files = List.copyOf(files);
  }
}
