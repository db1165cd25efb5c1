# Sourced by bin/strait and bin/strait-load (not run): the launcher code they share. It finds a JDK 17+, builds the
# jar if it is missing, adds the JVM flags that JDK needs and execs java, so that signals such as SIGTERM reach the
# JVM directly. The caller sets, before calling launch "$@":
#   name        the command's name, for messages
#   here        the repository's root
#   jar         the runnable jar
#   java_home   a JDK chosen for this command only (empty: JAVA_HOME, else java on PATH)
#   java_home_var  the variable java_home came from, for messages
#   build       the Maven arguments that build the jar (run in $here)
#   build_hint  said when that build fails (may be empty)
#   jvm         the command's own JVM flags (heap, direct memory), an array
#   extra_opts  extra JVM flags from the user, appended last (word-split)
#   trim_native optional, 1: return freed native memory (JIT arenas, start-up parsing) to the OS every few seconds
#               where the JDK can (-XX:TrimNativeHeapInterval: 17.0.9+, 21.0.1+, 22+), and cap glibc's malloc arenas
#   direct_no_cleaner optional, 1: let Netty allocate direct memory without a Cleaner (malloc, not zeroed: a
#               pooled 4 MiB chunk costs RSS only for the pages used, not all of it at once; on 25+ Netty's default,
#               an FFM arena, zeroes the whole chunk: 3.5 MiB more idle RSS)
#   class_cache optional, a file name prefix: keep a class-data archive (AppCDS on JDK 17-24, the AOT cache of
#               JEPs 483/515 on 25+) there, built by the first run, used by the next ones (set it only for
#               long-running commands: the archive is written when the JVM exits)

# Sets java to the JDK's java binary, or exits.
find_java() {
  if [[ -n "$java_home" ]]; then
    if [[ ! -x "$java_home/bin/java" ]]; then
      echo "$name: $java_home_var=$java_home has no bin/java" >&2
      exit 1
    fi
    java="$java_home/bin/java"
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    java="$(command -v java)"
  else
    echo "$name: no java found; install a JDK 17+ or set JAVA_HOME" >&2
    exit 1
  fi
}

# Builds the jar when it is missing; prints the build's output only when it fails.
build_jar() {
  [[ -f "$jar" ]] && return 0
  echo "$name: $jar not found; building it (mvn ${build[*]})..." >&2
  if ! command -v mvn >/dev/null 2>&1; then
    echo "$name: Maven (mvn) is needed to build the jar" >&2
    exit 1
  fi
  local log
  log="$(mktemp)"
  if ! (cd "$here" && JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$java")")")}" \
          mvn "${build[@]}") >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "$name: the build failed${build_hint:+ ($build_hint)}" >&2
    exit 1
  fi
  rm -f "$log"
}

# Sets major to the JDK's feature version ("17.0.15" -> 17, "25" -> 25, "1.8.0" -> 8), update to its update
# number ("17.0.15" -> 15, "25" -> 0) and full_version ("17.0.15"); exits below 17.
java_major() {
  local version_line ver
  version_line="$("$java" -version 2>&1 | head -n 1)"
  full_version="$(sed -E 's/.*version "([^"]*)".*/\1/' <<<"$version_line")"
  ver="$(sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/' <<<"$version_line")"
  major="${ver%% *}"
  if [[ "$major" == "1" ]]; then major="${ver##* }"; fi
  update="$(sed -E 's/^[0-9]+(\.[0-9]+(\.([0-9]+))?)?.*/\3/' <<<"$full_version")"
  update="${update:-0}"
  if [[ -z "$major" || "$major" -lt 17 ]]; then
    echo "$name: needs JDK 17 or newer; $java says: $version_line" >&2
    exit 1
  fi
}

launch() {
  find_java
  build_jar
  java_major
  local flags=(
    "${jvm[@]}"
    -XX:+UseSerialGC -XX:+PerfDisableSharedMem
    -Dio.netty.leakDetection.level=disabled
    # Netty's JFR buffer events: registering them starts JFR's Java side (some 140 classes and generated event
    # handlers, 2.5 MiB of RSS) in every process, recording or not.
    -Dio.netty.jfr.enabled=false
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  )
  if (( major >= 24 )); then
    flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  fi
  if (( major >= 25 )); then
    flags+=(-XX:+UseCompactObjectHeaders)
  fi
  if [[ "${direct_no_cleaner:-0}" == 1 ]]; then
    flags+=(--add-opens=java.base/java.nio=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true)
  fi
  if [[ "${trim_native:-0}" == 1 ]]; then
    # C2's compiler arenas and start-up parsing free megabytes that glibc keeps; a trim every 2 s hands them back.
    if (( major >= 22 || (major == 21 && update >= 1) || (major == 17 && update >= 9) )); then
      flags+=(-XX:TrimNativeHeapInterval=2000)
    fi
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
  fi
  if [[ -n "${class_cache:-}" ]]; then
    class_cache_flags
  fi
  local extra
  # shellcheck disable=SC2206
  extra=(${extra_opts:-})
  exec "$java" "${flags[@]}" "${extra[@]}" -jar "$jar" "$@"
}

# Deletes the archives of earlier builds (a rebuilt jar gets a new name, and the old archive is never used again:
# tens of MiB each) but the newest three, which other checkouts sharing the directory may still use, with their
# markers; and lock directories whose archive is gone. Whatever a live trainer holds is left alone.
prune_class_caches() {
  local keep=$1 ext=$2 old owner
  while IFS= read -r old; do
    owner="$(cat "$old.training/pid" 2>/dev/null || true)"
    [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null && continue
    rm -rf "$old" "$old.ok" "$old.training" 2>/dev/null || true
  done < <(ls -t "$class_cache"-jdk*."$ext" 2>/dev/null | grep -vxF "$keep" | tail -n +4)
  for old in "$class_cache"-jdk*."$ext".training; do
    [[ -d "$old" && ! -e "${old%.training}" && "${old%.training}" != "$keep" ]] || continue
    owner="$(cat "$old/pid" 2>/dev/null || true)"
    [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null && continue
    rm -rf "$old" 2>/dev/null || true
  done
}

# Adds the class-data archive flags to flags: use the archive of this jar and JDK when there is one, else have this
# run write it when it exits. The name holds the JDK version and the jar's size and time, so a rebuilt jar or another
# JDK gets its own archive; a missing or unwritable directory only means no archive. One process at a time trains:
# it holds FILE.training (a directory made atomically, with its pid; java keeps the pid, exec replaces this shell),
# and no other uses FILE while that process lives (it may be half written); a trainer that died leaves it to the next.
# An archive is used only beside FILE.ok, which Strait writes once it serves: the JVM also writes one at the exit of a
# run that failed on its command line or configuration, and that one holds almost nothing.
class_cache_flags() {
  local dir jar_id file ext lock owner
  dir="$(dirname "$class_cache")"
  mkdir -p "$dir" 2>/dev/null || true
  [[ -d "$dir" && -w "$dir" ]] || return 0
  jar_id="$(stat -c '%s-%Y' "$jar" 2>/dev/null)" || return 0
  ext=jsa
  (( major >= 25 )) && ext=aot
  file="$class_cache-jdk$full_version-$jar_id.$ext"
  lock="$file.training"
  owner="$(cat "$lock/pid" 2>/dev/null || true)"
  if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then
    return 0
  fi
  if [[ -s "$file" && ! -e "$file.ok" ]]; then
    # written at the exit of a run that never served (a usage or configuration error): it holds little more than the
    # command-line parser, so train again
    rm -f "$file" 2>/dev/null || true
  fi
  if [[ -s "$file" ]]; then
    rm -rf "$lock" 2>/dev/null || true
    if (( major >= 25 )); then
      flags+=("-XX:AOTCache=$file" -Xlog:aot=off -Xlog:cds=off)
    else
      flags+=("-XX:SharedArchiveFile=$file" -Xlog:cds=off)
    fi
    return 0
  fi
  if ! mkdir "$lock" 2>/dev/null; then
    # left by a trainer that is gone: take it over, unless another launcher just did
    rm -rf "$lock" 2>/dev/null || true
    mkdir "$lock" 2>/dev/null || return 0
  fi
  echo $$ >"$lock/pid"
  prune_class_caches "$file" "$ext"
  # Strait creates FILE.ok once it serves (TrainingMarker): only then is the archive worth using.
  rm -f "$file.ok" 2>/dev/null || true
  flags+=("-Dstrait.classCacheTrained=$file.ok")
  if (( major >= 25 )); then
    flags+=("-XX:AOTCacheOutput=$file" -Xlog:aot=off -Xlog:cds=off)
  else
    # JDK 19+ has -XX:+AutoCreateSharedArchive; ArchiveClassesAtExit does the same on 17 and later.
    flags+=("-XX:ArchiveClassesAtExit=$file" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
}
