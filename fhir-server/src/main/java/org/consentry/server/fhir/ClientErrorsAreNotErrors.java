package org.consentry.server.fhir;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps refusals out of the error log. HAPI's interceptor service logs every exception a hook
 * throws at ERROR, with its stack trace, before passing it on; the door, the scope rules and the
 * consent rules answer bad or forbidden requests by throwing their 4xx from hooks, so each refusal
 * filled the error log with some seventy lines. Those events are dropped when the exception is a
 * client error (a HAPI answer below 500), and so is HAPI's ERROR for a request body it cannot read
 * (a {@code Content-Encoding: gzip} body that is not gzip), which it answers with a 400. The
 * refusal is still logged once, at WARN, by HAPI's exception handling ("Failure during REST
 * processing"), and every server error stays at ERROR, as does an exception HAPI swallows for its
 * pointcut (logged nowhere else).
 */
public final class ClientErrorsAreNotErrors extends TurboFilter {

  static final String HAPI_INTERCEPTORS = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";

  static final String HAPI_REQUESTS = "ca.uhn.fhir.rest.server.servlet.ServletRequestDetails";
  static final String UNREADABLE_BODY = "Could not load request resource";

  /** Adds the filter to Logback's context, once (after Spring Boot has set logging up). */
  public static void install() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && context.getTurboFilterList().stream()
            .noneMatch(ClientErrorsAreNotErrors.class::isInstance)) {
      ClientErrorsAreNotErrors filter = new ClientErrorsAreNotErrors();
      filter.setContext(context);
      filter.start();
      context.addTurboFilter(filter);
    }
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || logger == null) {
      return FilterReply.NEUTRAL;
    }
    if (HAPI_REQUESTS.equals(logger.getName()) && UNREADABLE_BODY.equals(format)) {
      return FilterReply
          .DENY; // a body that cannot be read (bad gzip): HAPI answers 400 and logs it
    }
    if (!HAPI_INTERCEPTORS.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Throwable thrown = t;
    if (thrown == null && params != null && params.length > 0) {
      thrown = params[params.length - 1] instanceof Throwable last ? last : null;
    }
    // an exception HAPI swallows (it is then logged nowhere else) keeps its ERROR
    boolean swallowed =
        params != null
            && params.length > 0
            && params[0] instanceof Pointcut pointcut
            && thrown != null
            && pointcut.isShouldLogAndSwallowException(thrown);
    return !swallowed
            && thrown instanceof BaseServerResponseException answer
            && answer.getStatusCode() < 500
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
