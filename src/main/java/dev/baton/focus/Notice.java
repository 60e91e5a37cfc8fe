package dev.baton.focus;

/**
 * One notification for the person.
 *
 * @param title a few words, e.g. {@code baton: break}
 * @param text one or two short sentences
 * @param urgent true for an urgent message (desktop notifications show it as critical)
 */
public record Notice(String title, String text, boolean urgent) {}
