package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.model.JobInstance;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

/**
 * Batch2's job store as the maintenance pass sees it: on the thread of a {@link MaintenancePace}
 * pass, the instances listed for the pass are only the ones that pass is due for; everywhere else
 * (HAPI's own schedule, the job API) the store answers as it is.
 *
 * <p>HAPI's pass lists every instance it keeps (ended ones too, for a week) and runs several
 * queries on each, although an ended instance whose chunks are purged gives it nothing to do until
 * it expires, which HAPI's own schedule sees to. Listing only the due instances keeps a pass during
 * an export as cheap as the one job it serves.
 */
final class DueInstances implements InvocationHandler {

  private static final ThreadLocal<List<String>> DUE = new ThreadLocal<>();

  private final IJobPersistence store;

  private DueInstances(IJobPersistence store) {
    this.store = store;
  }

  /** The store, listing only the due instances during a {@link #pass}. */
  static IJobPersistence wrap(IJobPersistence store) {
    return (IJobPersistence)
        Proxy.newProxyInstance(
            IJobPersistence.class.getClassLoader(),
            new Class<?>[] {IJobPersistence.class},
            new DueInstances(store));
  }

  /** Runs a maintenance pass on this thread that sees only the instances with these ids. */
  static void pass(List<String> instanceIds, Runnable pass) {
    DUE.set(List.copyOf(instanceIds));
    try {
      pass.run();
    } finally {
      DUE.remove();
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    List<String> due = DUE.get();
    if (due != null && listsAPage(method)) {
      return (int) args[1] == 0 ? load(due) : List.of();
    }
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        case "toString" -> "due instances of " + store;
        default -> method.invoke(store, args);
      };
    }
    try {
      return method.invoke(store, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * {@code fetchInstances(int pageSize, int pageIndex)}, the listing the maintenance pass pages.
   */
  private static boolean listsAPage(Method method) {
    return method.getName().equals("fetchInstances")
        && method.getParameterCount() == 2
        && method.getParameterTypes()[0] == int.class
        && method.getParameterTypes()[1] == int.class;
  }

  /** All due instances on the first page; one that went away since is left out. */
  private List<JobInstance> load(List<String> due) {
    return due.stream().map(store::fetchInstance).flatMap(Optional::stream).toList();
  }
}
