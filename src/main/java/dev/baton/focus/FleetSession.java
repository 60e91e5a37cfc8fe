package dev.baton.focus;

/**
 * A tmux session of a fleet ({@code baton up}) on this machine, where the person is reminded.
 *
 * @param socket the tmux server's socket path ({@code #{socket_path}})
 * @param session the session's name
 */
public record FleetSession(String socket, String session) {}
