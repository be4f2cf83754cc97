package dev.ferry.agent.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.runtime.ContainerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Container records on disk, written atomically (temp file + rename) so a crash never leaves half a record. */
public final class ContainerStore {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final NodeLayout layout;

  public ContainerStore(NodeLayout layout) {
    this.layout = layout;
  }

  public Optional<ContainerRecord> find(ContainerId id) {
    Path file = layout.record(id);
    return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
  }

  public List<ContainerRecord> all() {
    List<ContainerRecord> records = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(layout.containersDir())) {
      dirs.map(d -> d.resolve("container.json")).filter(Files::exists).forEach(f -> records.add(read(f)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list containers in " + layout.containersDir(), e);
    }
    return records;
  }

  public void save(ContainerRecord record) {
    write(layout.record(record.containerId()), record);
  }

  public static void write(Path file, ContainerRecord record) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), record);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write container record " + file, e);
    }
  }

  public static ContainerRecord read(Path file) {
    try {
      return JSON.readValue(file.toFile(), ContainerRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read container record " + file, e);
    }
  }
}
