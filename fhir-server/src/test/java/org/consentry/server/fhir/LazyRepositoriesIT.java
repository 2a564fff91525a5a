package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.data.IMdmLinkJpaRepository;
import ca.uhn.fhir.jpa.dao.data.IResourceTableDao;
import java.util.Arrays;
import java.util.List;
import org.consentry.server.ServerIT;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.test.util.AopTestUtils;
import org.springframework.test.util.ReflectionTestUtils;

class LazyRepositoriesIT extends ServerIT {

  @Autowired private ConfigurableApplicationContext context;
  @Autowired private DaoRegistry daos;

  @Test
  void everyRepository_isDeclaredLazy() {
    DefaultListableBeanFactory factory = (DefaultListableBeanFactory) context.getBeanFactory();
    List<String> repositories =
        Arrays.stream(factory.getBeanNamesForType(RepositoryFactoryBeanSupport.class, true, false))
            .map(name -> name.substring(1)) // "&name": the factory bean's own name
            .toList();

    assertThat(repositories).hasSizeGreaterThan(50);
    assertThat(repositories).allMatch(name -> factory.getBeanDefinition(name).isLazyInit());
  }

  @Test
  void aRepositoryNothingUses_isCreatedOnItsFirstCall_andThenAnswers() {
    DefaultListableBeanFactory factory = (DefaultListableBeanFactory) context.getBeanFactory();
    // MDM is off: nothing calls its link repository, so the server started without creating it
    String name = factory.getBeanNamesForType(IMdmLinkJpaRepository.class, true, false)[0];
    assertThat(factory.containsSingleton(name)).isFalse();

    IMdmLinkJpaRepository links = context.getBean(IMdmLinkJpaRepository.class);

    assertThat(links.count()).isZero();
    assertThat(factory.containsSingleton(name)).isTrue();
  }

  @Test
  void hapiHoldsSpringsLazyProxy_whichReachesTheRepository() {
    Object patientDao = AopTestUtils.getUltimateTargetObject(daos.getResourceDao("Patient"));
    Object injected = ReflectionTestUtils.getField(patientDao, "myResourceTableDao");

    assertThat(injected).isInstanceOf(IResourceTableDao.class).isInstanceOf(Advised.class);
    assertThat(((Advised) injected).getTargetSource().getClass().getSimpleName())
        .isEqualTo("LazyDependencyTargetSource");
    assertThat(((IResourceTableDao) injected).count()).isNotNegative();
  }
}
