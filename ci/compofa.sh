#!/usr/bin/env bash
# Runs the compofa CLI from the built jars (after ci/demo.sh or mvn package) with a JDK >= 22.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[2-9]|[3-9][0-9])'; then
  for home in /usr/lib/jvm/*; do
    "$home/bin/java" -version 2>&1 | grep -qE 'version "(2[2-9]|[3-9][0-9])' && JAVA_HOME="$home" && break
  done
fi
# No threading variables here: the library sets its own defaults when it loads
# (bindings.ThreadingDefaults), so the CLI and a program linking the jar run the same way.
CP="$ROOT/java/target/compofa-0.1.0-SNAPSHOT.jar:$ROOT/bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar:$ROOT/java/target/lib/*"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.compofa.cli.Main "$@"
