package dev.ferry.transfer.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RelativePathTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b/c.img", "..a", "a..", "dir/.hidden", "x/...", "sp ace"})
  void acceptsNamesInsideTheTree(String path) {
    assertThat(RelativePath.check(path, false)).isEqualTo(path);
  }

  @ParameterizedTest
  @CsvSource({
      "../x, PERMISSION_DENIED",
      "a/../../x, PERMISSION_DENIED",
      "a/.., PERMISSION_DENIED",
      "/etc/passwd, PERMISSION_DENIED",
      "a//b, INVALID_ARGUMENT",
      "a/./b, INVALID_ARGUMENT",
      "a/, INVALID_ARGUMENT",
      "., INVALID_ARGUMENT"})
  void refusesEscapesAndOddNames(String path, FailureReason reason) {
    assertThatThrownBy(() -> RelativePath.check(path, false))
        .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void theRootOnlyWhereAllowed(boolean allowed) {
    if (allowed) {
      assertThat(RelativePath.check("", true)).isEmpty();
    } else {
      assertThatThrownBy(() -> RelativePath.check("", false)).isInstanceOf(TransferException.class);
    }
  }

  @org.junit.jupiter.api.Test
  void refusesNul() {
    assertThatThrownBy(() -> RelativePath.check("a\0b", false)).hasMessageContaining("NUL");
  }

  @org.junit.jupiter.api.Test
  void parentAndNameSplitAtTheLastSlash() {
    assertThat(RelativePath.parent("a/b/c")).isEqualTo("a/b");
    assertThat(RelativePath.name("a/b/c")).isEqualTo("c");
    assertThat(RelativePath.parent("top")).isEmpty();
    assertThat(RelativePath.name("top")).isEqualTo("top");
  }
}
