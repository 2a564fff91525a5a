package org.consentry.server.crypto;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Encryption settings ({@code consentry.crypto.*}).
 *
 * @param enabled whether fields are encrypted on write (off only to measure what encryption costs;
 *     data already encrypted still decrypts while the keystore is configured)
 * @param keystore the BCFKS master keystore, made by {@code ./consentry keys init}; default {@code
 *     ${consentry.home}/keys/master.bcfks}
 * @param passphraseFile where the keystore passphrase is read from when the environment variable
 *     {@code CONSENTRY_KEYSTORE_PASSPHRASE} is not set; default {@code
 *     ${consentry.home}/keys/passphrase}
 * @param encrypt the elements encrypted in every resource, as {@code Type.element} or {@code
 *     Type.element.child} (a primitive at the end); {@code DomainResource.x} applies to every
 *     resource type; {@code Reference(Patient).display} is the display text of every reference to a
 *     Patient (Synthea and EHRs put the patient's name there)
 * @param encryptRestricted the elements also encrypted in resources labelled restricted or very
 *     restricted ({@code meta.security} v3-Confidentiality R or V), with {@code *} for any type
 */
@ConfigurationProperties("consentry.crypto")
record CryptoProperties(
    @DefaultValue("true") boolean enabled,
    Path keystore,
    Path passphraseFile,
    @DefaultValue({
          "Patient.name",
          "Patient.telecom",
          "Patient.address",
          "Patient.identifier.value",
          "Patient.photo",
          "Patient.contact",
          "Observation.note",
          "Observation.valueString",
          "Observation.component.valueString",
          "DomainResource.text.div",
          "DocumentReference.content.attachment.data",
          "DiagnosticReport.presentedForm.data",
          "Device.identifier.value",
          "Device.serialNumber",
          "Device.udiCarrier",
          "Device.distinctIdentifier",
          "Reference(Patient).display"
        })
        List<String> encrypt,
    @DefaultValue({"*.value[x]", "*.note"}) List<String> encryptRestricted) {}
