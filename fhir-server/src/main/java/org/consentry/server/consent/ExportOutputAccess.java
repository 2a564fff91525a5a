package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.binary.BinarySecurityContextInterceptor;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.ReadAccess;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Identifier;

/**
 * The files of a Bulk Data export are for the requester who asked for it: each output Binary
 * carries that requester's subject as its security context (set at kick-off by {@link
 * ConsentRules}), since the file holds what consent showed to its requester, not to anyone else.
 * For anyone else such a file is absent: {@link ConsentEnforcement#decide} hides it ({@link
 * #visibleTo}) wherever resources leave the server; behind that, a read or update of it here gets
 * the one 404 of {@link NotFound}, and any other response leaves it out (rather than failing as a
 * whole, which would also name the file).
 *
 * <p>Only the server sets this security context: a client's write of a Binary that carries it is
 * refused (crypto's {@code ServerMarkerGuard}), and only a file that carries it is decrypted as its
 * requester downloads it (crypto's {@code DecryptionInterceptor}).
 */
public final class ExportOutputAccess extends BinarySecurityContextInterceptor
    implements ServerInterceptor {

  /**
   * The {@code Binary.securityContext.identifier.system} of export files; the value is the
   * requester's subject.
   */
  public static final String SYSTEM = ReadAccess.REQUESTER_SYSTEM;

  ExportOutputAccess(FhirContext fhir) {
    super(fhir);
  }

  /**
   * Whether the resource is visible to the requester as far as export files go: false only for a
   * Binary whose security context names someone else (or a system other than ours). Part of {@link
   * ConsentEnforcement#decide}, so that such a file is left out early, as hidden data is.
   */
  static boolean visibleTo(IBaseResource resource, Requester requester) {
    if (!(resource instanceof Binary binary)) {
      return true;
    }
    Identifier context = binary.getSecurityContext().getIdentifier();
    if (!context.hasSystem() || !context.hasValue()) {
      return true;
    }
    return SYSTEM.equals(context.getSystem()) && requester.subject().equals(context.getValue());
  }

  @Override
  @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
  public void preShowResources(IPreResourceShowDetails details, RequestDetails request) {
    for (int i = 0; i < details.size(); i++) {
      if (details.getResource(i) instanceof Binary binary && !allowed(binary, request)) {
        if (isReadOf(request, binary)) {
          handleForbidden(binary);
        }
        details.setResource(i, null);
      }
    }
  }

  private boolean allowed(Binary binary, RequestDetails request) {
    Identifier context = binary.getSecurityContext().getIdentifier();
    if (!context.hasSystem() || !context.hasValue()) {
      return true;
    }
    return securityContextIdentifierAllowed(context.getSystem(), context.getValue(), request);
  }

  private static boolean isReadOf(RequestDetails request, Binary binary) {
    RestOperationTypeEnum operation = request == null ? null : request.getRestOperationType();
    return (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD)
        && request.getId() != null
        && binary.getIdElement().getIdPart().equals(request.getId().getIdPart());
  }

  @Override
  protected boolean securityContextIdentifierAllowed(
      String system, String value, RequestDetails request) {
    if (!SYSTEM.equals(system)) {
      return false;
    }
    Requester requester = Requesters.of(request).orElse(null);
    return requester == null || requester.subject().equals(value);
  }

  @Override
  protected void handleForbidden(IBaseBinary binary) {
    throw NotFound.of(binary.getIdElement());
  }
}
