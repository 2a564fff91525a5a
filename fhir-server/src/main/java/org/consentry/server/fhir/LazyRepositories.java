package org.consentry.server.fhir;

import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.ContextAnnotationAutowireCandidateResolver;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.util.ClassUtils;

/**
 * Creates HAPI's Spring Data repositories when they are first used, not while the server starts.
 *
 * <p>HAPI declares over fifty repositories in the default bootstrap mode, and creating one parses
 * and checks every query it declares: in a profiled start on two cores, six seconds of the main
 * thread, for repositories most of which a running server touches late or never. This is Spring
 * Data's own lazy bootstrap mode, which HAPI's {@code @EnableJpaRepositories} does not let the
 * application choose: the repositories' definitions are made lazy, and every injection point of a
 * repository type gets Spring's lazy-resolution proxy, so a repository is created (and its queries
 * checked) on its first call. A repository's type and the calls made on it are unchanged.
 *
 * <p>Applied only over Spring's standard candidate resolver; with any other one the repositories
 * are left as HAPI declares them.
 */
final class LazyRepositories implements BeanFactoryPostProcessor {

  private static final Logger log = LoggerFactory.getLogger(LazyRepositories.class);

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    if (!(beanFactory instanceof DefaultListableBeanFactory factory)
        || factory.getAutowireCandidateResolver().getClass()
            != ContextAnnotationAutowireCandidateResolver.class) {
      log.info("Repositories are created at start: the bean factory is not Spring's standard one");
      return;
    }
    Set<Class<?>> lazy = new HashSet<>();
    ClassLoader loader = factory.getBeanClassLoader();
    for (String name : factory.getBeanDefinitionNames()) {
      BeanDefinition definition = factory.getBeanDefinition(name);
      if (!isRepositoryFactory(definition.getBeanClassName(), loader)) {
        continue;
      }
      Class<?> repository = factory.getType(name, false);
      if (repository != null) {
        definition.setLazyInit(true);
        lazy.add(repository);
      }
    }
    factory.setAutowireCandidateResolver(new Resolver(Set.copyOf(lazy)));
  }

  private static boolean isRepositoryFactory(String className, ClassLoader loader) {
    return className != null
        && ClassUtils.isPresent(className, loader)
        && RepositoryFactoryBeanSupport.class.isAssignableFrom(
            ClassUtils.resolveClassName(className, loader));
  }

  /** Spring's resolver, with a lazy-resolution proxy for every injected repository. */
  private static final class Resolver extends ContextAnnotationAutowireCandidateResolver {

    private final Set<Class<?>> repositories;

    Resolver(Set<Class<?>> repositories) {
      this.repositories = repositories;
    }

    @Override
    protected boolean isLazy(DependencyDescriptor descriptor) {
      return repositories.contains(descriptor.getDependencyType()) || super.isLazy(descriptor);
    }
  }
}
