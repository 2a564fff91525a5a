package org.consentry.deid.internal;

import java.util.ArrayList;
import java.util.List;
import org.consentry.deid.DeidMethod;
import org.consentry.deid.DeidProfileException;
import org.consentry.deid.DeidRule;

/**
 * A profile ready to run: its rules (the profile's, then the built-in ones) checked and compiled
 * into one {@link Automaton}, and its parameters. Immutable and shared by all threads.
 */
public final class CompiledProfile {

  /**
   * Appended to every profile, so any earlier rule of the profile (for example a keep) overrides
   * them: the narrative, free-text annotations and attached content are removed.
   */
  static final List<DeidRule> BUILT_IN =
      List.of(
          new DeidRule("Resource.text", DeidMethod.REDACT, true),
          new DeidRule("nodesByType('Annotation')", DeidMethod.REDACT, true),
          new DeidRule("nodesByType('Attachment').data", DeidMethod.REDACT, true),
          new DeidRule("nodesByType('Attachment').url", DeidMethod.REDACT, true));

  private final String name;
  private final List<DeidRule> rules;
  private final Settings settings;
  private final Automaton automaton;

  private CompiledProfile(String name, List<DeidRule> rules, Settings settings) {
    this.name = name;
    this.rules = List.copyOf(rules);
    this.settings = settings;
    List<Automaton.Rule> compiled = new ArrayList<>();
    for (DeidRule rule : this.rules) {
      PathParser.Parsed parsed = PathParser.parse(rule.path());
      List<Step> steps = PathCompiler.compile(rule.path(), parsed);
      compiled.add(
          new Automaton.Rule(
              compiled.size(),
              rule.path(),
              parsed.resourceType(),
              steps.toArray(Step[]::new),
              rule.method().ordinal()));
    }
    this.automaton = new Automaton(compiled);
  }

  /**
   * Compiles the profile's own rules followed by the built-in ones.
   *
   * @throws DeidProfileException naming the first path that is unsupported or unknown
   */
  public static CompiledProfile of(String name, List<DeidRule> profileRules, Settings settings) {
    List<DeidRule> all = new ArrayList<>(profileRules);
    all.addAll(BUILT_IN);
    return new CompiledProfile(name, all, settings);
  }

  public String name() {
    return name;
  }

  /** Every rule in the order they are tried, the built-in ones last. */
  public List<DeidRule> rules() {
    return rules;
  }

  public Settings settings() {
    return settings;
  }

  Automaton automaton() {
    return automaton;
  }
}
