package org.consentry.server.storage;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded PostgreSQL as a process of its own, for several server nodes on one machine ({@code
 * ./consentry up --nodes N}): {@code java -cp ... StandaloneDatabase DATA_DIR PORT}. It listens on
 * 127.0.0.1 only and stops cleanly on SIGTERM. Production runs a managed PostgreSQL instead.
 */
public final class StandaloneDatabase {

  private StandaloneDatabase() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[1].matches("[0-9]{1,5}")) {
      System.err.println("usage: StandaloneDatabase DATA_DIR PORT");
      System.exit(2);
    }
    EmbeddedDatabase db;
    try {
      db = EmbeddedDatabase.start(Path.of(args[0]), Integer.parseInt(args[1]));
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    db.close();
                  } catch (Exception e) {
                    System.err.println("PostgreSQL did not stop cleanly: " + e);
                  }
                  stopped.countDown();
                }));
    System.out.println("PostgreSQL is ready on 127.0.0.1:" + db.port() + ", files in " + args[0]);
    stopped.await();
  }
}
