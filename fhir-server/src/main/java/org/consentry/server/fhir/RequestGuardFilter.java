package org.consentry.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies before HAPI parses them: a body over the size limit gets 413, and an XML
 * body with a document type declaration or an entity declaration gets 400 (FHIR XML never needs
 * either, and they are how XXE and entity-expansion attacks start). Both answer with an {@code
 * OperationOutcome}. So do the URLs HAPI would fail on while reading them ({@link UrlShape}: 400).
 *
 * <p>Bodies are read once into memory (at most the limit) and handed on to HAPI unchanged.
 */
final class RequestGuardFilter extends OncePerRequestFilter {

  private static final Pattern XML_DECLARATIONS =
      Pattern.compile("<!\\s*(DOCTYPE|ENTITY)", Pattern.CASE_INSENSITIVE);

  private final FhirContext fhir;
  private final long maxBytes;

  RequestGuardFilter(FhirContext fhir, long maxBytes) {
    this.fhir = fhir;
    this.maxBytes = maxBytes;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!METHODS.contains(request.getMethod())) {
      response.setHeader("Allow", String.join(", ", METHODS));
      OutcomeResponses.write(
          response,
          fhir,
          405,
          IssueType.NOTSUPPORTED,
          "HTTP method "
              + printable(request.getMethod())
              + " is not served: use one of "
              + METHODS);
      return;
    }
    if (!wellEscaped(request.getQueryString()) || !wellEscaped(request.getRequestURI())) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.INVALID,
          "The URL has a malformed percent-escape: every % must be followed by two hexadecimal digits");
      return;
    }
    String shape = UrlShape.problem(request);
    if (shape != null) {
      OutcomeResponses.write(response, fhir, 400, IssueType.INVALID, shape);
      return;
    }
    String ifModifiedSince = request.getHeader("If-Modified-Since");
    if (ifModifiedSince != null && ca.uhn.fhir.util.DateUtils.parseDate(ifModifiedSince) == null) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.INVALID,
          "If-Modified-Since must be an HTTP date, such as Wed, 21 Oct 2026 07:28:00 GMT");
      return;
    }
    String ifMatch = request.getHeader("If-Match");
    if (ifMatch != null && !IF_MATCH.matcher(ifMatch.trim()).matches()) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.INVALID,
          "If-Match must name a version as an ETag, such as W/\"3\"");
      return;
    }
    if (asksForRdf(request)) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.NOTSUPPORTED,
          "Only FHIR JSON and XML are served (not RDF/Turtle): use _format=json or xml");
      return;
    }
    if (!hasBody(request)) {
      chain.doFilter(request, response);
      return;
    }
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      tooLarge(response);
      return;
    }
    if (isForm(request)) {
      // POST [type]/_search: Tomcat parses form parameters from its own stream (bounded by
      // server.tomcat.max-http-form-post-size), so the body is left unread here
      chain.doFilter(request, response);
      return;
    }
    byte[] body =
        request.getInputStream().readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
    if (body.length > maxBytes) {
      tooLarge(response);
      return;
    }
    if (body.length == 0 && needsBody(request)) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.REQUIRED,
          "This request needs a body: the resource or Bundle to write");
      return;
    }
    if (hasNul(body)) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.INVALID,
          "The body contains a NUL character (\\u0000 or a zero byte): FHIR strings never hold one; remove it");
      return;
    }
    if (BodyDepth.exceeds(body, looksLikeXml(request, body))) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.TOOCOSTLY,
          "The body nests more than "
              + BodyDepth.MAX
              + " levels deep (JSON objects and arrays, or XML elements): no FHIR resource needs"
              + " that many");
      return;
    }
    if (looksLikeXml(request, body)
        && XML_DECLARATIONS.matcher(new String(body, charset(request))).find()) {
      OutcomeResponses.write(
          response,
          fhir,
          400,
          IssueType.SECURITY,
          "XML with a DOCTYPE or ENTITY declaration is not accepted: remove the declaration"
              + " (FHIR XML never needs one)");
      return;
    }
    chain.doFilter(new BufferedBodyRequest(request, body), response);
  }

  private static final java.util.List<String> METHODS =
      java.util.List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Pattern IF_MATCH = Pattern.compile("(W/)?\"[0-9]{1,18}\"");
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
  private static final Pattern RDF = Pattern.compile("(?i)turtle|\\bttl\\b|rdf");

  static boolean wellEscaped(String text) {
    return text == null || !BAD_ESCAPE.matcher(text).find();
  }

  private static boolean asksForRdf(HttpServletRequest request) {
    String format = request.getQueryString() == null ? null : request.getParameter("_format");
    return format != null && RDF.matcher(format).find()
        || request.getContentType() != null && RDF.matcher(request.getContentType()).find()
        || request.getHeader("Accept") != null && RDF.matcher(request.getHeader("Accept")).find();
  }

  private static String printable(String text) {
    return text.replaceAll("[^A-Za-z0-9_-]", "?");
  }

  /**
   * A zero byte, or the JSON escape of one (PostgreSQL cannot store it in text, and no FHIR string
   * holds it).
   */
  static boolean hasNul(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if (body[i] == 0) {
        return true;
      }
      if (body[i] == '\\'
          && i + 5 < body.length
          && body[i + 1] == 'u'
          && body[i + 2] == '0'
          && body[i + 3] == '0'
          && body[i + 4] == '0'
          && body[i + 5] == '0'
          && !escaped(body, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the backslash at {@code i} is itself escaped (an odd number of backslashes before it).
   */
  private static boolean escaped(byte[] body, int i) {
    int backslashes = 0;
    for (int j = i - 1; j >= 0 && body[j] == '\\'; j--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /**
   * Creates, updates, patches, transactions and batches carry a body; searches and operations may
   * not.
   */
  private static boolean needsBody(HttpServletRequest request) {
    String uri = request.getRequestURI();
    return !uri.contains("$") && !uri.contains("_search");
  }

  private static boolean hasBody(HttpServletRequest request) {
    String method = request.getMethod();
    return "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
  }

  private static boolean isForm(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  private void tooLarge(HttpServletResponse response) throws IOException {
    OutcomeResponses.write(
        response,
        fhir,
        413,
        IssueType.TOOLONG,
        "Request body is larger than the limit of "
            + maxBytes
            + " bytes (consentry.fhir.max-request-size):"
            + " split it into smaller Bundles");
  }

  private static boolean looksLikeXml(HttpServletRequest request, byte[] body) {
    String type = request.getContentType();
    if (type != null && type.toLowerCase(Locale.ROOT).contains("xml")) {
      return true;
    }
    for (byte b : body) {
      if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
        return b == '<';
      }
    }
    return false;
  }

  private static Charset charset(HttpServletRequest request) {
    try {
      String encoding = request.getCharacterEncoding();
      return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The request as HAPI sees it: the same headers, the body from memory. */
  private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() throws IOException {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("synchronous reads only");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(
          new InputStreamReader(new ByteArrayInputStream(body), charset(this)));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
