package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class ClientErrorsAreNotErrorsTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger hapi = context.getLogger(ClientErrorsAreNotErrors.HAPI_INTERCEPTORS);
  private final Logger other = context.getLogger("org.consentry.server.door.HiddenAsAbsent");
  private final ClientErrorsAreNotErrors filter = new ClientErrorsAreNotErrors();

  private FilterReply decide(Logger logger, Level level, Throwable thrown) {
    return decide(logger, level, Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, thrown);
  }

  private FilterReply decide(Logger logger, Level level, Pointcut pointcut, Throwable thrown) {
    // HAPI logs as error(format, pointcut, text, exception): the exception is the last argument
    return filter.decide(
        null,
        logger,
        level,
        "Exception thrown by interceptor for pointcut {}: {}",
        new Object[] {pointcut, String.valueOf(thrown), thrown},
        null);
  }

  @Test
  void hapisErrorLog_ofARefusal_isDropped() {
    assertThat(decide(hapi, Level.ERROR, new InvalidRequestException("bad")))
        .isEqualTo(FilterReply.DENY);
    assertThat(decide(hapi, Level.ERROR, new ForbiddenOperationException("no")))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void serverErrors_otherExceptions_otherLoggers_andOtherLevels_stay() {
    assertThat(decide(hapi, Level.ERROR, new InternalErrorException("boom")))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(hapi, Level.ERROR, new NullPointerException()))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(other, Level.ERROR, new InvalidRequestException("bad")))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(hapi, Level.WARN, new InvalidRequestException("bad")))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void hapisErrorLog_ofABodyItCannotRead_isDropped_otherErrorsOfThatLoggerStay() {
    Logger requests = context.getLogger(ClientErrorsAreNotErrors.HAPI_REQUESTS);
    Throwable notGzip = new java.util.zip.ZipException("Not in GZIP format");
    assertThat(
            filter.decide(
                null, requests, Level.ERROR, "Could not load request resource", null, notGzip))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(null, requests, Level.ERROR, "something else", null, notGzip))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void aRefusalHapiSwallows_keepsItsErrorLog() {
    // HAPI logs and swallows what a hook of this pointcut throws: the log is all there is of it
    Pointcut swallowing = Pointcut.SERVER_PROCESSING_COMPLETED;
    assertThat(swallowing.isShouldLogAndSwallowException(new InvalidRequestException("x")))
        .isTrue();
    assertThat(decide(hapi, Level.ERROR, swallowing, new InvalidRequestException("bad")))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
