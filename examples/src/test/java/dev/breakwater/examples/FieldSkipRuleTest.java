package dev.breakwater.examples;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The skipping rule of the field tests: a missing server skips them loudly, naming the Debian
 * package, except with {@code CI=true}, where it fails them. (Run it both ways:
 * {@code CI=true ./mvnw ...} and without.)
 */
class FieldSkipRuleTest {
  @Test
  void missingServerSkipsOutsideCiAndFailsInCi() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (ci) {
      assertThatThrownBy(() -> Field.require(false, "redis-server", "redis-server"))
          .isInstanceOf(AssertionFailedError.class)
          .hasMessageContaining("apt-get install redis-server").hasMessageContaining("CI=true");
    } else {
      assertThatThrownBy(() -> Field.require(false, "redis-server", "redis-server"))
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("redis-server not installed: apt-get install redis-server");
    }
    assertThatCode(() -> Field.require(true, "redis-server", "redis-server"))
        .doesNotThrowAnyException();
  }
}
