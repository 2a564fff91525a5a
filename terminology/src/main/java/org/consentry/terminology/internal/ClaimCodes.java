package org.consentry.terminology.internal;

import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Resource;

/**
 * Typed readers for Claim and ExplanationOfBenefit: coded diagnoses and procedures, and the
 * productOrService of every item, detail and sub-detail (and, for ExplanationOfBenefit, of every
 * added item). A claim for a depression screening is as revealing as the screening itself.
 */
final class ClaimCodes {

  private ClaimCodes() {}

  static void collect(Resource resource, CodeCollector codes) {
    switch (resource.getResourceType()) {
      case Claim -> claim((Claim) resource, codes);
      case ExplanationOfBenefit -> explanationOfBenefit((ExplanationOfBenefit) resource, codes);
      default -> throw new IllegalStateException("no claim reader for " + resource.fhirType());
    }
  }

  private static void claim(Claim claim, CodeCollector codes) {
    if (claim.hasDiagnosis()) {
      for (Claim.DiagnosisComponent diagnosis : claim.getDiagnosis()) {
        if (diagnosis.hasDiagnosisCodeableConcept()) {
          codes.concept(diagnosis.getDiagnosisCodeableConcept());
        }
      }
    }
    if (claim.hasProcedure()) {
      for (Claim.ProcedureComponent procedure : claim.getProcedure()) {
        if (procedure.hasProcedureCodeableConcept()) {
          codes.concept(procedure.getProcedureCodeableConcept());
        }
      }
    }
    if (claim.hasItem()) {
      for (Claim.ItemComponent item : claim.getItem()) {
        if (item.hasProductOrService()) {
          codes.concept(item.getProductOrService());
        }
        if (!item.hasDetail()) {
          continue;
        }
        for (Claim.DetailComponent detail : item.getDetail()) {
          if (detail.hasProductOrService()) {
            codes.concept(detail.getProductOrService());
          }
          if (detail.hasSubDetail()) {
            for (Claim.SubDetailComponent subDetail : detail.getSubDetail()) {
              if (subDetail.hasProductOrService()) {
                codes.concept(subDetail.getProductOrService());
              }
            }
          }
        }
      }
    }
  }

  private static void explanationOfBenefit(ExplanationOfBenefit eob, CodeCollector codes) {
    if (eob.hasDiagnosis()) {
      for (ExplanationOfBenefit.DiagnosisComponent diagnosis : eob.getDiagnosis()) {
        if (diagnosis.hasDiagnosisCodeableConcept()) {
          codes.concept(diagnosis.getDiagnosisCodeableConcept());
        }
      }
    }
    if (eob.hasProcedure()) {
      for (ExplanationOfBenefit.ProcedureComponent procedure : eob.getProcedure()) {
        if (procedure.hasProcedureCodeableConcept()) {
          codes.concept(procedure.getProcedureCodeableConcept());
        }
      }
    }
    if (eob.hasItem()) {
      for (ExplanationOfBenefit.ItemComponent item : eob.getItem()) {
        eobItem(item, codes);
      }
    }
    if (eob.hasAddItem()) {
      for (ExplanationOfBenefit.AddedItemComponent added : eob.getAddItem()) {
        eobAddedItem(added, codes);
      }
    }
  }

  private static void eobItem(ExplanationOfBenefit.ItemComponent item, CodeCollector codes) {
    if (item.hasProductOrService()) {
      codes.concept(item.getProductOrService());
    }
    if (!item.hasDetail()) {
      return;
    }
    for (ExplanationOfBenefit.DetailComponent detail : item.getDetail()) {
      if (detail.hasProductOrService()) {
        codes.concept(detail.getProductOrService());
      }
      if (detail.hasSubDetail()) {
        for (ExplanationOfBenefit.SubDetailComponent subDetail : detail.getSubDetail()) {
          if (subDetail.hasProductOrService()) {
            codes.concept(subDetail.getProductOrService());
          }
        }
      }
    }
  }

  private static void eobAddedItem(
      ExplanationOfBenefit.AddedItemComponent added, CodeCollector codes) {
    if (added.hasProductOrService()) {
      codes.concept(added.getProductOrService());
    }
    if (!added.hasDetail()) {
      return;
    }
    for (ExplanationOfBenefit.AddedItemDetailComponent detail : added.getDetail()) {
      if (detail.hasProductOrService()) {
        codes.concept(detail.getProductOrService());
      }
      if (detail.hasSubDetail()) {
        for (ExplanationOfBenefit.AddedItemDetailSubDetailComponent subDetail :
            detail.getSubDetail()) {
          if (subDetail.hasProductOrService()) {
            codes.concept(subDetail.getProductOrService());
          }
        }
      }
    }
  }
}
