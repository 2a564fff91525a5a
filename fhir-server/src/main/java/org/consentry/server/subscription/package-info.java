/**
 * FHIR R4 Subscriptions delivered by rest-hook and websocket, each notification decided for its
 * subscriber at delivery time through the one decision step.
 */
package org.consentry.server.subscription;
