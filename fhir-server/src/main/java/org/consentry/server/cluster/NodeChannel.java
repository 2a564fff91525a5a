package org.consentry.server.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live message from one node to all the others, through the database they share (PostgreSQL's
 * {@code NOTIFY} on a named channel, {@code LISTEN} on one connection of each node held for it,
 * read by a daemon thread). A message is a short text; it goes with this node's id, so a node never
 * receives its own. Nothing is kept: a node that is not listening at that moment (starting,
 * reconnecting after it lost its connection) misses it.
 */
public final class NodeChannel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeChannel.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  /** How long one wait for messages lasts, so that {@link #close} is noticed. */
  private static final int WAIT_MILLIS = 1_000;

  /** After this long without a message, the listening connection is checked. */
  private static final long CHECK_AFTER_MILLIS = 30_000;

  private final DataSource dataSource;
  private final String name;
  private final Consumer<String> receiver;
  private final String node = UUID.randomUUID().toString();
  private final Thread listener;
  private volatile boolean closed;
  private Connection listening; // the listener thread's, once started

  private NodeChannel(DataSource dataSource, String name, Consumer<String> receiver) {
    this.dataSource = dataSource;
    this.name = name;
    this.receiver = receiver;
    this.listener = new Thread(this::listen, "consentry-node-channel-" + name);
    listener.setDaemon(true);
  }

  /**
   * Listens on the channel {@code name} (lower case letters, digits, {@code _}) and hands each
   * message of another node to {@code receiver}, on the listening thread, one after another.
   * Returns once it listens.
   *
   * @throws SQLException if the database cannot be reached
   */
  public static NodeChannel open(DataSource dataSource, String name, Consumer<String> receiver)
      throws SQLException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a channel name: " + name);
    }
    NodeChannel channel = new NodeChannel(dataSource, name, receiver);
    channel.listening = channel.connect();
    channel.listener.start();
    return channel;
  }

  /** Sends {@code message} to every other node listening now (in a transaction of its own). */
  public void tell(String message) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, name);
      notify.setString(2, node + " " + message);
      notify.execute();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    }
  }

  private Connection connect() throws SQLException {
    Connection connection = dataSource.getConnection();
    try (Statement listen = connection.createStatement()) {
      if (!connection.getAutoCommit()) {
        connection.setAutoCommit(true); // LISTEN takes effect when its transaction commits
      }
      listen.execute("LISTEN " + name);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private void listen() {
    long backoff = 1_000;
    while (!closed) {
      try {
        if (listening == null) {
          listening = connect();
          LOG.info("Listening to the other nodes on channel {} again", name);
          backoff = 1_000;
        }
        receive(listening);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        LOG.warn(
            "The channel {} to the other nodes lost its database connection ({}): messages sent"
                + " meanwhile are missed; reconnecting in {} ms",
            name,
            e.toString(),
            backoff);
        closeQuietly();
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          break;
        }
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
    closeQuietly();
  }

  /** Receives until closed or the connection fails. */
  private void receive(Connection connection) throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    long quietSince = System.nanoTime();
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
      if (notifications == null || notifications.length == 0) {
        if ((System.nanoTime() - quietSince) / 1_000_000 > CHECK_AFTER_MILLIS) {
          if (!connection.isValid(5)) {
            throw new SQLException("the listening connection is no longer valid");
          }
          quietSince = System.nanoTime();
        }
        continue;
      }
      quietSince = System.nanoTime();
      for (PGNotification notification : notifications) {
        deliver(notification.getParameter());
      }
    }
  }

  private void deliver(String payload) {
    int space = payload == null ? -1 : payload.indexOf(' ');
    if (space < 0 || payload.substring(0, space).equals(node)) {
      return; // not one of ours, or this node's own
    }
    try {
      receiver.accept(payload.substring(space + 1));
    } catch (RuntimeException e) {
      LOG.warn("A message on channel {} from another node failed: {}", name, e.toString());
    }
  }

  private void closeQuietly() {
    Connection connection = listening;
    listening = null;
    if (connection == null) {
      return;
    }
    // a pooled connection goes back to the pool: it must not go on collecting notifications
    try {
      try (Statement unlisten = connection.createStatement()) {
        unlisten.execute("UNLISTEN *");
      } catch (SQLException | RuntimeException e) {
        LOG.debug("unlistening failed, dropping the connection: {}", e.toString());
        connection.abort(Runnable::run);
      }
      connection.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("closing the listening connection: {}", e.toString());
    }
  }

  /** Stops listening (within about a second) and gives the connection back. */
  @Override
  public void close() {
    closed = true;
    listener.interrupt();
    try {
      listener.join(WAIT_MILLIS * 3L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
