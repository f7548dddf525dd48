package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FallbackTest {

  @Test
  void valueFunctionFailoverAndAsyncFailover() throws Exception {
    IOException down = new IOException("down");
    assertThat(Fallback.value("cached").apply(down)).isEqualTo("cached");
    assertThat(Fallback.from(Throwable::getMessage).apply(down)).isEqualTo("down");
    assertThat(Fallback.to(() -> "backup").apply(down)).isEqualTo("backup");
    assertThat(Fallback.toAsync(t -> CompletableFuture.completedFuture("async backup"))
        .applyAsync(down)).isCompletedWithValue("async backup");
  }

  @Test
  void handlesExceptionsByDefaultNotErrors() {
    Fallback<String> f = Fallback.value("x");
    assertThat(f.handles(new IOException())).isTrue();
    assertThat(f.handles(new IllegalStateException())).isTrue();
    assertThat(f.handles(new AssertionError())).isFalse();
  }

  @Test
  void onAndWhenNarrowIt() {
    Fallback<String> f = Fallback.value("x").on(CallNotPermittedException.class,
        IOException.class);
    assertThat(f.handles(new IOException())).isTrue();
    assertThat(f.handles(new IllegalStateException())).isFalse();
    Fallback<String> g = Fallback.value("x").when(t -> t.getMessage() == null);
    assertThat(g.handles(new IOException())).isTrue();
    assertThat(g.handles(new IOException("m"))).isFalse();
    assertThatThrownBy(() -> Fallback.value("x").on()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fallback.value("x").on(String.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Throwable");
  }

  @Test
  void aThrowingFallbackThrowsWithTheOriginalFailureSuppressed() {
    IOException down = new IOException("primary down");
    IllegalStateException backupDown = new IllegalStateException("backup down");
    assertThatThrownBy(() -> Fallback.<String>to(() -> {
      throw backupDown;
    }).apply(down)).isSameAs(backupDown);
    assertThat(backupDown.getSuppressed()).containsExactly(down);
  }

  @Test
  void aThrowingPredicateMeansNotHandled() {
    IOException down = new IOException();
    Fallback<String> f = Fallback.value("x").when(t -> {
      throw new IllegalStateException("broken predicate");
    });
    assertThat(f.handles(down)).isFalse();
    assertThat(down.getSuppressed()).hasSize(1);
  }
}
