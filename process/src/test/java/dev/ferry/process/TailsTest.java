package dev.ferry.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TailsTest {
  @Test
  void keepsTheLastLinesWithoutTheTrailingNewline() {
    assertThat(Tails.lastLines("a\nb\nc\n", 2)).isEqualTo("b\nc");
    assertThat(Tails.lastLines("a\nb", 5)).isEqualTo("a\nb");
  }

  @Test
  void aLoneNewlineIsOneEmptyLine() {
    // Found by CriuLogFuzzTest: a CRIU log of one newline made the failure report throw.
    assertThat(Tails.lastLines("\n", 40)).isEmpty();
    assertThat(Tails.lastLines("\n\n", 1)).isEmpty();
  }
}
