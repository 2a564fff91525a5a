package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.consentry.server.MutableClock;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final VerifiedTokens tokens = new VerifiedTokens(SKEW, clock);
  private final List<String> checked = new ArrayList<>();

  private VerifiedTokens.Check expiringAt(Instant exp) {
    return token -> {
      checked.add(token);
      if (!clock.instant().isBefore(exp.plus(SKEW))) {
        throw new InvalidTokenException("the access token was refused: Expired JWT");
      }
      return new JWTClaimsSet.Builder().subject(token).expirationTime(Date.from(exp)).build();
    };
  }

  @Test
  void aTokenVerifiedOnce_isNotCheckedAgain_whileValid() throws Exception {
    VerifiedTokens.Check check = expiringAt(NOW.plusSeconds(300));

    JWTClaimsSet first = tokens.claims("a", check);
    clock.advance(Duration.ofSeconds(20));
    JWTClaimsSet second = tokens.claims("a", check);

    assertThat(second).isSameAs(first);
    assertThat(checked).containsExactly("a");
  }

  @Test
  void anotherToken_isCheckedOnItsOwn() throws Exception {
    tokens.claims("a", expiringAt(NOW.plusSeconds(300)));
    assertThat(tokens.claims("b", expiringAt(NOW.plusSeconds(300))).getSubject()).isEqualTo("b");
    assertThat(checked).containsExactly("a", "b");
  }

  @Test
  void aRememberedToken_pastItsExpiry_getsTheFullCheck_andItsRefusal() throws Exception {
    VerifiedTokens.Check check = expiringAt(NOW.plusSeconds(20));
    tokens.claims("a", check);

    clock.advance(Duration.ofSeconds(49)); // within exp + skew: still served as verified
    tokens.claims("a", check);
    assertThat(checked).hasSize(1);

    clock.advance(Duration.ofSeconds(2)); // past exp + skew
    assertThatThrownBy(() -> tokens.claims("a", check))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("Expired");
    assertThat(checked).hasSize(2);
  }

  @Test
  void aRememberedToken_isCheckedAgain_afterAMinute() throws Exception {
    VerifiedTokens.Check check = expiringAt(NOW.plusSeconds(3600));
    tokens.claims("a", check);
    clock.advance(VerifiedTokens.KEPT.plusSeconds(1));
    tokens.claims("a", check);
    assertThat(checked).containsExactly("a", "a");
  }

  @Test
  void aRefusedToken_isNotRemembered() {
    VerifiedTokens.Check refusing =
        token -> {
          checked.add(token);
          throw new InvalidTokenException("the access token signature was refused");
        };
    assertThatThrownBy(() -> tokens.claims("bad", refusing))
        .isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.claims("bad", refusing))
        .isInstanceOf(InvalidTokenException.class);
    assertThat(checked).containsExactly("bad", "bad");
  }

  @Test
  void aTokenWithoutExpiry_isNeverServedFromMemory() throws Exception {
    VerifiedTokens.Check noExp =
        token -> {
          checked.add(token);
          return new JWTClaimsSet.Builder().subject(token).build();
        };
    tokens.claims("a", noExp);
    tokens.claims("a", noExp);
    assertThat(checked).containsExactly("a", "a");
  }
}
