package org.consentry.server.door;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentry.server.door.ApiSurface.Level;
import org.consentry.server.fhir.DirectoryTypes;
import org.consentry.server.fhir.OwnerIndex;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.UriType;

/**
 * The CapabilityStatement shows exactly the {@link ApiSurface}: HAPI generates it from every
 * provider it knows, and this removes each interaction and operation that no requester kind may
 * use, so a client learns the real surface and nothing more.
 */
@Interceptor
final class CapabilitySurface implements ServerInterceptor {

  /** R4's extension naming the websocket of Subscriptions. */
  static final String WEBSOCKET_EXTENSION =
      "http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket";

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void trim(IBaseConformance generated, RequestDetails request) {
    if (!(generated instanceof CapabilityStatement statement)) {
      return;
    }
    for (CapabilityStatementRestComponent rest : statement.getRest()) {
      rest.getExtension().removeIf(e -> WEBSOCKET_EXTENSION.equals(e.getUrl()));
      String socket = socketUrl(request);
      if (socket != null) {
        rest.addExtension(WEBSOCKET_EXTENSION, new UriType(socket));
      }
      rest.getInteraction()
          .removeIf(
              i ->
                  i.getCode() == null || !ApiSurface.servesInteraction(system(i.getCode()), false));
      rest.getOperation()
          .removeIf(o -> !ApiSurface.servesOperation(dollar(o.getName()), Level.SERVER, null));
      for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
        String type = resource.getType();
        boolean patientData = !DirectoryTypes.contains(type);
        resource
            .getInteraction()
            .removeIf(
                i ->
                    i.getCode() == null
                        || (ApiSurface.SUBSCRIPTIONS.equals(type)
                            ? !ApiSurface.admitsSubscriptions(
                                org.consentry.consent.Requester.Kind.SYSTEM, type(i.getCode()))
                            : !ApiSurface.servesInteraction(type(i.getCode()), patientData)));
        resource.getOperation().removeIf(o -> !served(o, type));
        // the server's own owner indexes are not offered
        resource
            .getSearchParam()
            .removeIf(p -> p.getName() != null && p.getName().startsWith(OwnerIndex.PREFIX));
        if (!ApiSurface.servesInteraction(RestOperationTypeEnum.HISTORY_INSTANCE, patientData)) {
          resource.setVersioning(null);
        }
      }
    }
  }

  /** {@code ws(s)://host:port/websocket}: beside {@code /fhir}, where the request was answered. */
  private static String socketUrl(RequestDetails request) {
    String base = request == null ? null : request.getFhirServerBase();
    if (base == null || !base.matches("https?://[^/]+(/.*)?")) {
      return null;
    }
    String root = base.replaceFirst("/+$", "").replaceFirst("/fhir$", "");
    return root.replaceFirst("^http", "ws") + ApiSurface.SUBSCRIPTION_SOCKET;
  }

  private static boolean served(
      CapabilityStatementRestResourceOperationComponent operation, String type) {
    String name = dollar(operation.getName());
    return ApiSurface.servesOperation(name, Level.TYPE, type)
        || ApiSurface.servesOperation(name, Level.INSTANCE, type);
  }

  private static String dollar(String name) {
    return name == null ? "" : name.startsWith("$") ? name : "$" + name;
  }

  private static RestOperationTypeEnum system(CapabilityStatement.SystemRestfulInteraction code) {
    return switch (code) {
      case TRANSACTION -> RestOperationTypeEnum.TRANSACTION;
      case BATCH -> RestOperationTypeEnum.BATCH;
      case SEARCHSYSTEM -> RestOperationTypeEnum.SEARCH_SYSTEM;
      case HISTORYSYSTEM -> RestOperationTypeEnum.HISTORY_SYSTEM;
      default -> RestOperationTypeEnum.GRAPHQL_REQUEST; // served by no rule
    };
  }

  private static RestOperationTypeEnum type(CapabilityStatement.TypeRestfulInteraction code) {
    return switch (code) {
      case READ -> RestOperationTypeEnum.READ;
      case VREAD -> RestOperationTypeEnum.VREAD;
      case UPDATE -> RestOperationTypeEnum.UPDATE;
      case PATCH -> RestOperationTypeEnum.PATCH;
      case DELETE -> RestOperationTypeEnum.DELETE;
      case HISTORYINSTANCE -> RestOperationTypeEnum.HISTORY_INSTANCE;
      case HISTORYTYPE -> RestOperationTypeEnum.HISTORY_TYPE;
      case CREATE -> RestOperationTypeEnum.CREATE;
      case SEARCHTYPE -> RestOperationTypeEnum.SEARCH_TYPE;
      default -> RestOperationTypeEnum.GRAPHQL_REQUEST;
    };
  }
}
