package org.consentry.server.security;

/** The SMART v2 permissions, one letter each: {@code c r u d s}. */
public enum Interaction {
  CREATE('c'),
  READ('r'),
  UPDATE('u'),
  DELETE('d'),
  SEARCH('s');

  private final char letter;

  Interaction(char letter) {
    this.letter = letter;
  }

  char letter() {
    return letter;
  }

  static Interaction ofLetter(char letter) {
    for (Interaction interaction : values()) {
      if (interaction.letter == letter) {
        return interaction;
      }
    }
    return null;
  }
}
