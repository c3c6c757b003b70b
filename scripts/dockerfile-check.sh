#!/usr/bin/env bash
# Checks the Dockerfile's runtime stage without Docker: builds the binary as the build
# stage does, makes the runtime image's filesystem with debootstrap (a "bookworm-slim"
# look-alike) plus the stage's own RUN instruction, and runs the binary in it the way
# Docker would: as the image's USER, in its WORKDIR, with only its ENV, under its
# ENTRYPOINT (tini as PID 1 of a private PID and network namespace), with its
# HEALTHCHECK command, and with a fresh volume at PORTDOCS_DATA_DIR as compose mounts it.
#
# Why: this machine has the docker client but no engine and no Docker Hub, and the image
# had never been built. Everything below is read from the Dockerfile (FROM, RUN, COPY
# --from, USER, WORKDIR, ENV, HEALTHCHECK, ENTRYPOINT, CMD), so the check follows the file.
#
# Usage (as root): scripts/dockerfile-check.sh
# Needs: debootstrap, unshare/nsenter (util-linux), ip, curl, jq, go with cgo and the
# build stage's -dev packages. The root filesystems are cached in
# $PORTDOCS_CHECK_CACHE (default /var/cache/portdocs-dockerfile-check), keyed by the FROM
# line and the runtime stage's RUN instructions; each run works on an overlay over them,
# so a run never changes the cache and never leaves anything in the checkout.
# Not checked: the golang build image itself, Docker's own behaviour (HEALTHCHECK timing,
# capabilities, seccomp, port publishing) and compose's networking.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dockerfile=${PORTDOCS_CHECK_DOCKERFILE:-$repo/Dockerfile} # another file: to see the check fail
compose=$repo/docker-compose.yml
cache=${PORTDOCS_CHECK_CACHE:-/var/cache/portdocs-dockerfile-check}
mirror=${PORTDOCS_CHECK_MIRROR:-http://deb.debian.org/debian}
# Scanned bills read with OCR: an image, a PDF (rasterized by poppler's pdftoppm) and a
# HEIC photo (converted by heif-convert).
fixtures=("$repo/fixtures/ocr/scan-03-verizon-png/bill.png" "$repo/fixtures/ocr/scan-01-att-pdf/bill.pdf"
	"$repo/fixtures/ocr/photo-05-tmobile-heic/bill.heic")
docker_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'dockerfile-check: %s\n' "$*" >&2; exit 2; }

[[ $(id -u) == 0 ]] || die "run as root (debootstrap, chroot, namespaces)"
for t in debootstrap unshare nsenter ip curl jq go flock; do
	command -v "$t" >/dev/null || die "$t is missing; apt-get install debootstrap util-linux iproute2 curl jq"
done
[[ -f $dockerfile ]] || die "$dockerfile not found"

# --- Reading the Dockerfile -----------------------------------------------------------

# instructions prints one logical instruction per line: continuations joined, comments
# and blank lines dropped.
instructions() {
	awk '
		/^[[:space:]]*#/ && cur == "" { next }
		/^[[:space:]]*$/ { next }
		{
			line = $0
			sub(/^[[:space:]]+/, "", line)
			if (line ~ /\\$/) { sub(/\\$/, "", line); cur = cur line " "; next }
			print cur line; cur = ""
		}
		END { if (cur != "") print cur }' "$dockerfile"
}
mapfile -t all < <(instructions)
last_from=-1
for i in "${!all[@]}"; do
	[[ ${all[i]} =~ ^FROM[[:space:]] ]] && last_from=$i
done
((last_from > 0)) || die "the Dockerfile needs a build stage and a runtime stage"
build_stage=("${all[@]:0:last_from}")
runtime=("${all[@]:last_from}")

# instr KEYWORD prints the arguments of the runtime stage's instructions with KEYWORD.
instr() {
	local l
	for l in "${runtime[@]}"; do
		[[ ${l%%[[:space:]]*} == "$1" ]] && printf '%s\n' "${l#*[[:space:]]}"
	done
	return 0
}
# segments splits shell commands on && so each simple command is one line.
segments() { sed 's/&&/\n/g' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' || true; }

base_image=$(instr FROM | awk '{print $1}')
[[ $base_image =~ ^debian:([a-z]+)-slim$ ]] || die "runtime FROM $base_image: this check knows debian:<suite>-slim only"
suite=${BASH_REMATCH[1]}
mapfile -t run_lines < <(instr RUN)
((${#run_lines[@]})) || die "the runtime stage has no RUN instruction"
packages=$(printf '%s\n' "${run_lines[@]}" | segments | grep -E '^apt-get install' |
	sed 's/^apt-get install//' | tr ' ' '\n' | grep -v -e '^-' -e '^$' | paste -sd' ' - || true)
[[ -n $packages ]] || die "no 'apt-get install' in the runtime stage"
useradd_cmd=$(printf '%s\n' "${run_lines[@]}" | segments | grep -E '^useradd ' || true)
user=$(instr USER | tail -n1)
workdir=$(instr WORKDIR | tail -n1)
[[ -n $user && -n $workdir ]] || die "the runtime stage needs USER and WORKDIR"
# ENV K=V K=V ... (unquoted values: the check refuses what it cannot read exactly)
env_vars=()
while read -r line; do
	[[ $line != *[\"\']* ]] || die "ENV $line: quoted values are not supported by this check"
	for kv in $line; do
		[[ $kv == *=* ]] || die "ENV $line: use the KEY=VALUE form"
		env_vars+=("$kv")
	done
done < <(instr ENV)
envval() {
	local kv v=
	for kv in "${env_vars[@]}"; do [[ ${kv%%=*} == "$1" ]] && v=${kv#*=}; done
	printf '%s' "$v"
}
data_dir=$(envval PORTDOCS_DATA_DIR)
addr=$(envval PORTDOCS_ADDR)
[[ -n $data_dir && -n $addr ]] || die "ENV must set PORTDOCS_DATA_DIR and PORTDOCS_ADDR"
port=${addr##*:}
# Exec-form (JSON) ENTRYPOINT, CMD and HEALTHCHECK CMD.
mapfile -t entrypoint < <(instr ENTRYPOINT | tail -n1 | jq -r '.[]')
mapfile -t cmd < <(instr CMD | tail -n1 | jq -r '.[]')
hc=$(instr HEALTHCHECK | tail -n1)
mapfile -t healthcheck < <(sed 's/.*CMD[[:space:]]*//' <<<"$hc" | jq -r '.[]')
hc_timeout=$(grep -o -- '--timeout=[0-9]*s' <<<"$hc" | grep -o '[0-9]*' || echo 30)
((${#entrypoint[@]} && ${#healthcheck[@]})) || die "ENTRYPOINT and HEALTHCHECK must use the exec (JSON) form"
copy=$(instr COPY | grep -E '^--from=' | tail -n1)
read -r _ copy_src copy_dst <<<"$copy"
build_cmd=$(printf '%s\n' "${build_stage[@]}" | grep -E '^RUN ' | sed 's/^RUN //' | segments | grep -E 'go build' | tail -n1)
[[ -n $build_cmd && -n $copy_dst ]] || die "no 'go build' in the build stage or no COPY --from in the runtime stage"

# --- Results ------------------------------------------------------------------------

results=()
failed=0
pass() { results+=("PASS  $1"); say "PASS $1"; }
fail() { results+=("FAIL  $1${2:+ — $2}"); say "FAIL $1${2:+ — $2}"; failed=1; }
summarized=
summary() {
	summarized=1
	printf '\n--- dockerfile-check summary (%s) ---\n' "$(date -u +%H:%M:%S)"
	printf '%s\n' "${results[@]}"
	if ((failed)); then echo "RESULT: FAIL"; else echo "RESULT: PASS"; fi
}

# --- Work area and cleanup ------------------------------------------------------------

mkdir -p "$cache"
exec 7>&1 8>&2 9>"$cache/lock"
flock 9 # one run at a time: they share the cached roots
run=$(mktemp -d /tmp/portdocs-dockerfile-check.XXXXXX)
root=$run/merged
serve_pid= pid1=
# unmount_under unmounts everything mounted below $1, deepest first.
unmount_under() {
	local m
	awk -v p="$1" 'index($5, p"/") == 1 || $5 == p {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
}
cleanup() {
	local rc=$?
	# A signal's trap runs inside the redirections of the command it interrupted.
	exec 1>&7 2>&8
	if ((rc)) && [[ -z $summarized ]]; then
		fail "the check itself" "stopped with status $rc${err_line:+ at line $err_line}"
		summary
	fi
	if [[ -n $serve_pid ]] && kill -0 "$serve_pid" 2>/dev/null; then
		# SIGKILL to the container's PID 1 ends every process in its PID namespace.
		[[ -n $pid1 ]] || pid1=$(container_init "$serve_pid")
		[[ -n $pid1 ]] && kill -KILL "$pid1" 2>/dev/null
		wait "$serve_pid" 2>/dev/null || true
	fi
	unmount_under "$run"
	unmount_under "$cache"
	if awk -v p="$run" 'index($5, p"/") == 1' /proc/self/mountinfo | grep -q .; then
		echo "dockerfile-check: something is still mounted under $run; not deleting it" >&2
	else
		rm -rf --one-file-system "$run"
	fi
	exit "$rc"
}
err_line=
trap 'err_line=$LINENO' ERR
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_root DIR CMD... runs CMD as root in DIR like a Dockerfile RUN: private mount and PID
# namespaces, /proc and /dev mounted (gone with the namespace), the host's resolver.
in_root() {
	local dir=$1
	shift
	touch "$dir/etc/resolv.conf" "$dir/etc/hosts"
	unshare --mount --pid --fork --kill-child -- /bin/sh -euc '
		d=$1; shift
		mount -t proc proc "$d/proc"
		mount --rbind /dev "$d/dev"
		mount --bind /etc/resolv.conf "$d/etc/resolv.conf"
		mount --bind /etc/hosts "$d/etc/hosts"
		exec chroot "$d" /usr/bin/env -i PATH='"$docker_path"' HOME=/root HOSTNAME=portdocs-build "$@"
	' sh "$dir" "$@" </dev/null 9>&-
}

# --- 1. The binary, built as the build stage builds it --------------------------------

t0=$(date +%s)
bin=$run/portdocs
say "building: ${build_cmd/ -o $copy_src/ -o $bin}"
[[ $build_cmd == *" -o $copy_src "* ]] || fail "build stage writes what the runtime stage copies" "go build does not write $copy_src"
if (cd "$repo" && /bin/sh -c "${build_cmd/ -o $copy_src/ -o $bin}"); then
	pass "go build as the build stage does ($(du -h "$bin" | cut -f1))"
else
	fail "go build as the build stage does"
	summary
	exit 1
fi

# --- 2. The runtime image's filesystem (cached) ---------------------------------------

key_base=$(printf '%s\n' "$base_image" "$mirror" "v1" | sha256sum | cut -c1-12)
key_image=$(printf '%s\n' "$key_base" "${run_lines[@]}" | sha256sum | cut -c1-12)
base=$cache/base-$suite-$key_base
image=$cache/image-$suite-$key_image

if [[ ! -f $base/.complete ]]; then
	say "debootstrap --variant=minbase $suite (first run only; a few minutes)"
	rm -rf --one-file-system "$base.tmp"
	debootstrap --variant=minbase "$suite" "$base.tmp" "$mirror" >"$run/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$run/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
	# What makes debian:<suite>-slim differ from a plain minbase: the image's apt
	# sources (with updates and security), dpkg leaving out docs, man pages and
	# translations, no services started by package scripts, no apt caches.
	rm -f "$base.tmp/etc/apt/sources.list"
	cat >"$base.tmp/etc/apt/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: $suite $suite-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb
		URIs: ${mirror%/debian}/debian-security
		Suites: $suite-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	cat >"$base.tmp/etc/dpkg/dpkg.cfg.d/docker" <<-'EOF'
		# as in debian:*-slim (debuerreotype's slimify lists)
		path-exclude /usr/share/doc/*
		path-exclude /usr/share/groff/*
		path-exclude /usr/share/info/*
		path-exclude /usr/share/linda/*
		path-exclude /usr/share/lintian/overrides/*
		path-exclude /usr/share/locale/*
		path-exclude /usr/share/man/*
		path-include /usr/share/doc/*/copyright
		path-include /usr/share/locale/all_languages
		path-include /usr/share/locale/currency/*
		path-include /usr/share/locale/l10n/*
		path-include /usr/share/locale/languages
		path-include /usr/share/locale/locale.alias
		force-unsafe-io
	EOF
	printf '#!/bin/sh\nexit 101\n' >"$base.tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$base.tmp/usr/sbin/policy-rc.d"
	printf 'Acquire::Languages "none";\n' >"$base.tmp/etc/apt/apt.conf.d/docker-no-languages"
	printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n' \
		>"$base.tmp/etc/apt/apt.conf.d/docker-clean"
	# The published image is rebuilt with every point release and security update.
	in_root "$base.tmp" /bin/sh -c 'apt-get update -qq && apt-get upgrade -y -qq && apt-get clean && rm -rf /var/lib/apt/lists/*' \
		>"$run/base-upgrade.log" 2>&1 || { tail -n 30 "$run/base-upgrade.log" >&2; die "apt-get upgrade in the base failed"; }
	find "$base.tmp/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
	rm -rf "$base.tmp"/usr/share/{man,info,groff}/* "$base.tmp"/var/cache/apt/*.bin
	touch "$base.tmp/.complete"
	rm -rf --one-file-system "$base"
	mv "$base.tmp" "$base"
fi

if [[ ! -f $image/.complete ]]; then
	say "runtime stage RUN (packages: $packages)"
	rm -rf --one-file-system "$image.tmp"
	cp -a "$base" "$image.tmp"
	rm -f "$image.tmp/.complete"
	for r in "${run_lines[@]}"; do
		# Docker runs a shell-form RUN as /bin/sh -c "...", as root, in /.
		rc=0
		in_root "$image.tmp" /bin/sh -c "$r" >>"$run/run.log" 2>&1 || rc=$?
		if ((rc)); then
			tail -n 30 "$run/run.log" >&2
			fail "runtime RUN instruction" "exit status $rc (log above)"
			summary
			exit 1
		fi
	done
	touch "$image.tmp/.complete"
	mv "$image.tmp" "$image"
	cached="built"
else
	cached="cached"
	touch "$image/.complete"
fi
# Image layers of Dockerfile versions not checked for two weeks go.
for d in "$cache"/image-*; do
	if [[ -f $d/.complete && -n $(find "$d/.complete" -mtime +14) ]]; then
		rm -rf --one-file-system "$d"
	fi
done
pass "runtime RUN in a debootstrap $suite-slim look-alike ($cached: ${image##*/})"

# Every package the Dockerfile names is installed.
missing=
for p in $packages; do
	chroot "$image" dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=" $p"
done
if [[ -z $missing ]]; then pass "apt packages installed: $packages"; else fail "apt packages installed" "missing:$missing"; fi

# The container of this run: an overlay over the cached image (Docker's own layering),
# then the COPY --from instruction.
mkdir -p "$run/upper" "$run/work" "$root"
mount -t overlay overlay -o "lowerdir=$image,upperdir=$run/upper,workdir=$run/work" "$root"
install -D -m 0755 "$bin" "$root$copy_dst"

# USER: name[:group] or uid[:gid]; Docker takes the primary group and HOME from passwd.
u=${user%%:*}
pw=$(awk -F: -v u="$u" '$1 == u || $3 == u' "$root/etc/passwd" | head -n1)
if [[ -z $pw ]]; then
	fail "USER $user exists in the image" "not in /etc/passwd${useradd_cmd:+ (useradd: $useradd_cmd)}"
	summary
	exit 1
fi
IFS=: read -r uname _ uid gid _ home shell <<<"$pw"
[[ $user == *:* ]] && gid=${user#*:}
pass "USER $user is uid $uid gid $gid, HOME $home (from: ${useradd_cmd:-the base image})"
if [[ -d $root$workdir ]] && [[ $(stat -c %u "$root$workdir") == "$uid" ]]; then
	pass "WORKDIR $workdir exists and belongs to $uname"
else
	fail "WORKDIR $workdir exists and belongs to $uname" "$(stat -c '%U:%G %a' "$root$workdir" 2>&1 || true)"
fi

# A named volume new to Docker (compose's portdocs-data) takes the owner of the image's
# folder where it is mounted; with no folder there, the mount point is root's.
if [[ -d $root$data_dir ]] && [[ $(stat -c %u "$root$data_dir") == "$uid" ]]; then
	pass "PORTDOCS_DATA_DIR $data_dir is in the image, owned by $uname (mode $(stat -c %a "$root$data_dir"))"
else
	fail "PORTDOCS_DATA_DIR $data_dir is in the image, owned by $uname" \
		"$( [[ -d $root$data_dir ]] && stat -c 'owned by %U' "$root$data_dir" || echo 'missing: a volume mounted there is root-owned')"
fi

# The environment Docker gives the container: PATH, HOSTNAME, HOME (from passwd) and ENV.
container_env=(PATH="$docker_path" HOSTNAME=portdocs-check HOME="$home" "${env_vars[@]}")
api_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

# in_container CMD... runs CMD as Docker runs a process in the container: USER, WORKDIR,
# ENV only, no new privileges (compose's security_opt), private PID and network
# namespaces with loopback up, and compose's named volume at PORTDOCS_DATA_DIR. A
# volume new to Docker takes the owner and mode of the image's directory there; if the
# image has none, Docker makes the mount point, owned by root (mode 0755).
in_container() {
	local vol_owner=0:0 vol_mode=755
	if [[ -d $root$data_dir ]]; then
		vol_owner=$(stat -c %u:%g "$root$data_dir")
		vol_mode=$(stat -c %a "$root$data_dir")
	fi
	unshare --mount --pid --net --uts --ipc --fork --kill-child -- /bin/sh -euc '
		d=$1 data=$2 owner=$3 mode=$4 uid=$5 gid=$6; shift 6
		hostname portdocs-check
		ip link set lo up
		mount -t proc proc "$d/proc"
		mount -t tmpfs -o mode=755,size=16m tmpfs "$d/dev"
		for n in null zero full random urandom tty; do
			touch "$d/dev/$n"; mount --bind "/dev/$n" "$d/dev/$n"
		done
		mkdir -p "$d/dev/shm" "$d$data"
		mount -t tmpfs -o "mode=$mode,uid=${owner%:*},gid=${owner#*:},size=256m" volume "$d$data"
		exec chroot "$d" /usr/bin/setpriv --reuid="$uid" --regid="$gid" --init-groups --no-new-privs \
			/usr/bin/env -i "$@"
	' sh "$root" "$data_dir" "$vol_owner" "$vol_mode" "$uid" "$gid" \
		"${container_env[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${@}" 9>&-
}
# in_serving CMD... runs CMD inside the running container as the HEALTHCHECK does: as
# the USER, with the container's environment, killed after HEALTHCHECK's --timeout.
in_serving() {
	timeout "$hc_timeout" nsenter --target "$pid1" --mount --pid --net --uts --ipc --root -- \
		/usr/bin/setpriv --reuid="$uid" --regid="$gid" --init-groups --no-new-privs \
		/usr/bin/env -i "${container_env[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@" 9>&-
}

# --- 3. Running it ----------------------------------------------------------------------

# The binary finds every shared library in the image.
if in_container ldd "$copy_dst" >"$run/ldd.txt" 2>&1 && ! grep -q 'not found' "$run/ldd.txt"; then
	pass "ldd $copy_dst: all $(grep -c '=>' "$run/ldd.txt") libraries found"
else
	fail "ldd $copy_dst" "$(grep 'not found' "$run/ldd.txt" | tr -s ' \t' ' ' | tr '\n' ';')"
fi

# Scanned bills read with OCR, as the container's user (the OCR model goes to $HOME).
# check_extraction LABEL JSON EXPECTED: method "ocr" and the expected.json account number
# (the output shows its last 4 characters only).
check_extraction() {
	local method got want
	want=$(jq -r '.fields.account_number' "$3")
	method=$(jq -r '.method' "$2" 2>/dev/null || true)
	got=$(jq -r '.fields.account_number.value // empty' "$2" 2>/dev/null || true)
	if [[ $method == ocr && $got == "$want" ]]; then
		pass "$1: method ocr, account number as expected.json (…${want: -4})"
	else
		fail "$1" "method '${method}', account number $([[ $got == "$want" ]] && echo matches || echo 'does not match') expected.json"
	fi
}
mkdir -p "$root/fixtures"
for f in "${fixtures[@]}"; do
	name=$(basename "$(dirname "$f")")/$(basename "$f")
	mkdir -p "$root/fixtures/${name%/*}"
	cp "$f" "$root/fixtures/$name"
	if in_container "${entrypoint[@]}" extract "/fixtures/$name" >"$run/extract.json" 2>"$run/extract.err"; then
		check_extraction "${entrypoint[*]} extract $name" "$run/extract.json" "$(dirname "$f")/expected.json"
	else
		fail "${entrypoint[*]} extract $name" "$(tail -n 3 "$run/extract.err" | tr '\n' ' ')"
	fi
done

# ENTRYPOINT + CMD, as 'docker run' starts it: tini is PID 1 of the container.
container_env+=(PORTDOCS_API_KEYS="wizard:$api_key") # as docker run -e / compose pass it
start=$(date +%s%N)
in_container "${entrypoint[@]}" "${cmd[@]}" >"$run/serve.out" 2>"$run/serve.err" &
serve_pid=$!
# container_init prints the host pid of the process that is PID 1 in the container's PID
# namespace: a descendant of $1 whose innermost pid is 1.
container_init() {
	local p c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null || true); do
		if [[ $(awk '/^NSpid:/ {print (NF > 2 ? $NF : "")}' "/proc/$c/status" 2>/dev/null) == 1 ]]; then
			echo "$c"
			return
		fi
		p=$(container_init "$c")
		[[ -n $p ]] && { echo "$p"; return; }
	done
	return 0
}
pid1=
for _ in $(seq 50); do
	pid1=$(container_init "$serve_pid")
	[[ -n $pid1 && $(readlink "/proc/$pid1/exe" 2>/dev/null) == *"${entrypoint[0]}" ]] && break
	sleep 0.1
done
if [[ -n $pid1 && $(readlink "/proc/$pid1/exe" 2>/dev/null) == *"${entrypoint[0]}" ]]; then
	pass "ENTRYPOINT ${entrypoint[0]} runs as PID 1 of the container"
else
	fail "ENTRYPOINT ${entrypoint[0]} runs as PID 1" "$(tail -n 3 "$run/serve.err" | tr '\n' ' ')"
fi

# HEALTHCHECK, polled as compose's start_period/retries would.
healthy=
for _ in $(seq 60); do
	[[ -n $pid1 ]] || break
	if in_serving "${healthcheck[@]}" >"$run/hc.out" 2>"$run/hc.err"; then
		healthy=1
		break
	fi
	kill -0 "$serve_pid" 2>/dev/null || break
	sleep 0.5
done
if [[ -n $healthy ]]; then
	pass "HEALTHCHECK ${healthcheck[*]}: exit 0 ('$(head -c 40 "$run/hc.out" | tr -d '\n')') after $((($(date +%s%N) - start) / 1000000)) ms of serve"
else
	fail "HEALTHCHECK ${healthcheck[*]}" "$(tr '\n' ' ' <"$run/hc.err" | head -c 200); serve: $(tail -n 3 "$run/serve.err" | tr '\n' ' ' | head -c 400)"
fi

if [[ -n $healthy ]]; then
	# /readyz: storage (the volume at PORTDOCS_DATA_DIR) writable and OCR started.
	code=$(nsenter --target "$pid1" --net -- curl -s -o "$run/readyz.json" -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
	if [[ $code == 200 ]]; then
		pass "GET /readyz: 200 (storage in the $data_dir volume; OCR $(grep -o '"model":"[^"]*"' "$run/serve.err" | head -n1 | cut -d'"' -f4))"
	else
		fail "GET /readyz" "status $code: $(head -c 300 "$run/readyz.json")"
	fi
	# A scanned bill through the API (curl from inside the container's network).
	f=${fixtures[0]}
	code=$(nsenter --target "$pid1" --net -- curl -s -o "$run/post.json" -w '%{http_code}' \
		-H "Authorization: Bearer $api_key" -F "file=@$f" "http://127.0.0.1:$port/v1/extract" || true)
	if [[ $code == 200 ]]; then
		check_extraction "POST /v1/extract $(basename "$f")" "$run/post.json" "$(dirname "$f")/expected.json"
	else
		fail "POST /v1/extract $(basename "$f")" "status $code: $(head -c 300 "$run/post.json")"
	fi
fi

# docker stop: SIGTERM to PID 1, which tini passes on; compose waits stop_grace_period.
if [[ -n $pid1 ]] && kill -0 "$pid1" 2>/dev/null; then
	kill -TERM "$pid1"
	stop_start=$(date +%s%N)
	stopped=
	for _ in $(seq 400); do
		kill -0 "$serve_pid" 2>/dev/null || { stopped=1; break; }
		sleep 0.1
	done
	if [[ -n $stopped ]]; then
		rc=0
		wait "$serve_pid" || rc=$?
		serve_pid=
		if ((rc == 0)); then
			pass "SIGTERM to PID 1 (docker stop): exit 0 after $((($(date +%s%N) - stop_start) / 1000000)) ms"
		else
			fail "SIGTERM to PID 1 (docker stop)" "exit status $rc: $(tail -n 2 "$run/serve.err" | tr '\n' ' ')"
		fi
	else
		fail "SIGTERM to PID 1 (docker stop)" "still running after 40 s (compose's stop_grace_period)"
	fi
else
	fail "serve kept running until stopped" "$(tail -n 3 "$run/serve.err" | tr '\n' ' ')"
fi
grep -q '"level":"ERROR"' "$run/serve.err" &&
	say "serve logged errors: $(grep '"level":"ERROR"' "$run/serve.err" | head -n 3)"

# docker-compose.yml mounts its volume where the image's ENV puts the data, and its
# health check runs the image's HEALTHCHECK command.
if [[ -f $compose ]]; then
	want_hc=$(printf '%s\n' CMD "${healthcheck[@]}" | jq -R . | jq -sc .)
	got_hc=$(awk '/^  portdocs:/ {s = 1; next} /^  [a-z]/ {s = 0} s && /^ *test:/ {sub(/^ *test: */, ""); print}' "$compose" |
		jq -c . 2>/dev/null || true)
	if [[ $got_hc == "$want_hc" ]]; then
		pass "docker-compose.yml: portdocs healthcheck is the image's ($got_hc)"
	else
		fail "docker-compose.yml: portdocs healthcheck is the image's" "compose: '$got_hc', image: $want_hc"
	fi
	if grep -Eq "^[[:space:]]*-[[:space:]]*portdocs-data:$data_dir[[:space:]]*$" "$compose" &&
		grep -Eq "^[[:space:]]*PORTDOCS_DATA_DIR:[[:space:]]*\"?$data_dir\"?[[:space:]]*$" "$compose"; then
		pass "docker-compose.yml: volume and PORTDOCS_DATA_DIR at $data_dir"
	else
		fail "docker-compose.yml: volume and PORTDOCS_DATA_DIR at $data_dir" "they differ from the Dockerfile's ENV"
	fi
fi

say "took $(($(date +%s) - t0)) s"
summary
((failed == 0))
