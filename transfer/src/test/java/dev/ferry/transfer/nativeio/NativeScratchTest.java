package dev.ferry.transfer.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class NativeScratchTest {
  @Test
  void eachCallStartsFromTheSameMemoryAlignedAsAsked() {
    MemorySegment first = NativeScratch.begin().allocate(ValueLayout.JAVA_LONG, 4);
    NativeScratch scratch = NativeScratch.begin();
    MemorySegment again = scratch.allocate(ValueLayout.JAVA_LONG, 4);
    MemorySegment name = scratch.allocateFrom("some/path");
    MemorySegment aligned = scratch.allocate(ValueLayout.JAVA_LONG);

    assertThat(again.address()).isEqualTo(first.address());
    assertThat(name.address()).isEqualTo(again.address() + 32);
    assertThat(name.getString(0)).isEqualTo("some/path");
    assertThat(aligned.address() % 8).isZero();
    assertThat(aligned.address()).isGreaterThanOrEqualTo(name.address() + "some/path".length() + 1);
  }

  @Test
  void aRequestLargerThanTheScratchGetsMemoryOfItsOwn() {
    NativeScratch scratch = NativeScratch.begin();
    MemorySegment small = scratch.allocate(16);
    String longName = "x".repeat(10_000);
    MemorySegment big = scratch.allocateFrom(longName);

    assertThat(big.getString(0)).isEqualTo(longName);
    assertThat(big.address() < small.address() || big.address() >= small.address() + 8192).isTrue();
    assertThat(scratch.allocate(16).address()).isEqualTo(small.address() + 16); // the scratch itself goes on
  }

  @Test
  void threadsHaveScratchesOfTheirOwn() throws InterruptedException {
    long here = NativeScratch.begin().allocate(8).address();
    long[] there = new long[1];
    Thread other = Thread.ofPlatform().start(() -> there[0] = NativeScratch.begin().allocate(8).address());
    other.join();

    assertThat(there[0]).isNotEqualTo(here);
  }
}
