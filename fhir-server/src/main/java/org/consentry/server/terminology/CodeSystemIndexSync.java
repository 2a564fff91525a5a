package org.consentry.server.terminology;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.entity.TermConcept;
import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.storage.TypeWrites;
import org.hibernate.search.engine.search.common.ValueModel;
import org.hibernate.search.mapper.orm.Search;
import org.hibernate.search.mapper.orm.session.SearchSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * HAPI's terminology on several nodes. Each node keeps its own Lucene index of code system concepts
 * (for hierarchical {@code $expand} filters, {@code $subsumes}) and its own caches of expansions
 * and validations; the concepts and the resources are in the shared database.
 *
 * <ul>
 *   <li>A CodeSystem, ValueSet or ConceptMap written on this node bumps {@link Topic#CODE_SYSTEMS}
 *       once it committed and HAPI stored its concepts (large code systems are stored in the
 *       background; the bump waits for that).
 *   <li>Another node follows at its next request: it drops HAPI's terminology caches and, when its
 *       index no longer matches the concepts in the database, rebuilds the index in the background.
 *   <li>A terminology operation ({@code $expand}, {@code $validate-code}, {@code $lookup}, {@code
 *       $subsumes}, {@code $translate}) on a node whose index is being rebuilt waits for it, up to
 *       {@link #WAIT}; then it answers 503, to be retried.
 * </ul>
 *
 * A node that starts checks its index against the database too, since it may have been down while
 * another node changed a code system.
 */
@Interceptor
public final class CodeSystemIndexSync implements ServerInterceptor, NodeSync.Follower {

  private static final Logger LOG = LoggerFactory.getLogger(CodeSystemIndexSync.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Set<String> OPERATIONS =
      Set.of("$expand", "$validate-code", "$lookup", "$subsumes", "$translate");
  private static final Set<String> TYPES = Set.of("CodeSystem", "ValueSet", "ConceptMap");

  private final EntityManagerFactory entityManagers;
  private final JdbcTemplate jdbc;
  private final IValidationSupport validation;
  private final ITermDeferredStorageSvc deferredStorage;
  private final Generations generations;
  private final ObjectProvider<NodeSync> nodeSync;
  private final ExecutorService worker = daemon("consentry-code-system-index");
  private final ExecutorService announcer = daemon("consentry-code-system-announce");

  /** The index matches the database up to this generation (guarded by {@code this}). */
  private long indexedThrough;

  /** The generation the next rebuild is for, or 0 when none is wanted (guarded by {@code this}). */
  private long wanted;

  CodeSystemIndexSync(
      EntityManagerFactory entityManagers,
      JdbcTemplate jdbc,
      IValidationSupport validation,
      ITermDeferredStorageSvc deferredStorage,
      Generations generations,
      ObjectProvider<NodeSync> nodeSync) {
    this.entityManagers = entityManagers;
    this.jdbc = jdbc;
    this.validation = validation;
    this.deferredStorage = deferredStorage;
    this.generations = generations;
    this.nodeSync = nodeSync;
  }

  @Override
  public Topic topic() {
    return Topic.CODE_SYSTEMS;
  }

  /** Another node changed terminology: drop HAPI's caches, rebuild the index if it is behind. */
  @Override
  public void changed(long seen, long now) {
    validation.invalidateCaches();
    want(now);
  }

  /** At start: an index left from before may miss what other nodes stored meanwhile. */
  public void checkAtStart() {
    want(generations.current(Topic.CODE_SYSTEMS));
  }

  private synchronized void want(long generation) {
    boolean idle = wanted == 0;
    wanted = Math.max(wanted, generation);
    if (idle) {
      worker.submit(this::rebuildIfBehind);
    }
  }

  /** A terminology operation waits while this node's index is behind the request's generation. */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -1000)
  public boolean awaitIndex(RequestDetails request) throws InterruptedException {
    String operation = request.getOperation();
    if (operation == null || !OPERATIONS.contains(operation)) {
      return true;
    }
    Generations.Snapshot snapshot = NodeSync.of(request);
    long needed = snapshot == null ? 0 : snapshot.of(Topic.CODE_SYSTEMS);
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (this) {
      if (indexedThrough < needed) {
        want(needed); // a rebuild failed before: try again
      }
      while (indexedThrough < needed) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || wanted == 0) { // too long, or the rebuild failed (logged)
          throw new UnclassifiedServerFailureException(
              503,
              "This server node is rebuilding its terminology index after a code system changed"
                  + " on another node; try again in a minute");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return true;
  }

  /**
   * Terminology written on this node by any path (a storage interceptor, not only the REST
   * server's): announced once committed and its concepts are stored.
   */
  Object writes() {
    Runnable announce = this::announceWhenStored;
    return new TypeWrites(
        TYPES.stream().collect(java.util.stream.Collectors.toMap(type -> type, type -> announce)));
  }

  private void announceWhenStored() {
    if (deferredStorage.isStorageQueueEmpty(true)) {
      announce();
      return;
    }
    announcer.submit(
        () -> {
          try {
            while (!deferredStorage.isStorageQueueEmpty(true)) {
              Thread.sleep(500);
            }
            announce();
          } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            LOG.warn("Could not announce a terminology change to the other nodes", e);
          }
        });
  }

  private void announce() {
    long generation = generations.bump(Topic.CODE_SYSTEMS);
    boolean followedAll = nodeSync.getObject().appliedHere(Topic.CODE_SYSTEMS, generation);
    synchronized (this) {
      if (followedAll && indexedThrough == generation - 1) {
        indexedThrough = generation; // this node indexed its own change as it stored it
        notifyAll();
      }
    }
  }

  private void rebuildIfBehind() {
    long target;
    synchronized (this) {
      target = wanted;
    }
    try {
      if (!indexMatchesDatabase()) {
        long started = System.nanoTime();
        EntityManager entityManager = entityManagers.createEntityManager();
        try {
          SearchSession session = Search.session(entityManager);
          session
              .massIndexer(TermConcept.class)
              .purgeAllOnStart(true)
              .threadsToLoadObjects(1)
              .batchSizeToLoadObjects(100)
              .startAndWait();
        } finally {
          entityManager.close();
        }
        LOG.info(
            "Terminology index rebuilt after a change on another node ({} ms)",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      }
      finish(target, true);
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
      finish(target, false);
    } catch (RuntimeException e) {
      LOG.error("Could not rebuild the terminology index; terminology operations answer 503", e);
      finish(target, false);
    }
  }

  private void finish(long target, boolean done) {
    synchronized (this) {
      if (done) {
        indexedThrough = Math.max(indexedThrough, target);
      }
      if (done && wanted > target) {
        worker.submit(this::rebuildIfBehind); // a change came in while rebuilding
      } else {
        wanted = 0;
      }
      notifyAll();
    }
  }

  /** Same number of indexed concepts as the database, and the newest one among them. */
  private boolean indexMatchesDatabase() {
    long[] database =
        jdbc.queryForObject(
            "SELECT count(*), coalesce(max(PID), 0) FROM TRM_CONCEPT WHERE INDEX_STATUS IS NOT NULL",
            (rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)});
    EntityManager entityManager = entityManagers.createEntityManager();
    try {
      SearchSession session = Search.session(entityManager);
      long indexed =
          session.search(TermConcept.class).where(f -> f.matchAll()).fetchTotalHitCount();
      if (indexed != database[0]) {
        return false;
      }
      return database[0] == 0
          || session
                  .search(TermConcept.class)
                  .where(f -> f.match().field("myId").matching(database[1], ValueModel.INDEX))
                  .fetchTotalHitCount()
              == 1;
    } finally {
      entityManager.close();
    }
  }

  /** Stops the background work (the context closes). */
  public void close() {
    worker.shutdownNow();
    announcer.shutdownNow();
  }

  private static ExecutorService daemon(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread thread = new Thread(r, name);
          thread.setDaemon(true);
          return thread;
        });
  }
}
