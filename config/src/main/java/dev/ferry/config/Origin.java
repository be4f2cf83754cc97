package dev.ferry.config;

/** Where an effective setting came from, in the order they win: flag, environment, file, built-in default. */
public sealed interface Origin {
  String describe();

  record Flag() implements Origin {
    public String describe() {
      return "command line";
    }
  }

  record Environment(String variable) implements Origin {
    public String describe() {
      return "environment " + variable;
    }
  }

  record File(String where) implements Origin {
    public String describe() {
      return where;
    }
  }

  record BuiltIn() implements Origin {
    public String describe() {
      return "default";
    }
  }
}
