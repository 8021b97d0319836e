# SPDX-License-Identifier: GPL-2.0
# Resolve Debian package versions the way apt would: every dependency at
# the newest version that satisfies the constraint its parent states, never
# at a version string assumed to be shared with the parent (Debian respins
# single binary packages of a kernel, e.g. linux-kbuild-6.1 6.1.192-3 under
# linux-headers-6.1.0-56-amd64 6.1.192-2).  Sourced, never run.
#
# Every question goes through apt_query (apt-cache with the rig's private
# sources list); scripts/tests/apt-resolve-test.sh replaces it with recorded
# answers.

apt_query()
{
	ml_apt apt-cache "$@"
}

# Every version of package $1 the archive offers, newest first.
apt_versions()
{
	local v sorted=() i

	for v in $(apt_query madison "$1" 2>/dev/null |
		   awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -u); do
		i=${#sorted[@]}
		sorted+=("$v")
		while [ "$i" -gt 0 ] &&
		      dpkg --compare-versions "${sorted[i - 1]}" lt "$v"; do
			sorted[i]=${sorted[i - 1]}
			i=$((i - 1))
		done
		sorted[i]=$v
	done
	[ ${#sorted[@]} -gt 0 ] && printf '%s\n' "${sorted[@]}"
	return 0
}

# Newest version of package $1 whose version starts with $2.
apt_newest_prefixed()
{
	apt_versions "$1" | awk -v p="$2" 'index($0, p) == 1 { print; exit }'
}

# Dependencies of $1=$2 whose name starts with $3, one per line as
# "name [op version]"; every alternative of an "a | b" clause is listed.
apt_deps()
{
	apt_query show "$1=$2" 2>/dev/null | sed -n 's/^Depends: //p' |
		head -n 1 | tr ',|' '\n\n' |
		sed -n -e 's/^ *\([^ (]*\) *(\([<>=]*\) *\([^)]*\)).*/\1 \2 \3/p' \
		       -e 's/^ *\([^ (]*\) *$/\1/p' |
		sed 's/:any / /; s/:any$//' | awk -v p="$3" 'index($1, p) == 1'
}

# Does version $1 satisfy "$2 $3" (a Debian relation and version)?
apt_satisfies()
{
	local op

	[ -n "${2:-}" ] || return 0
	case $2 in
	'=')		op=eq ;;
	'>='|'>')	op=ge ;;
	'<='|'<')	op=le ;;
	'>>')		op=gt ;;
	'<<')		op=lt ;;
	*)		return 1 ;;
	esac
	dpkg --compare-versions "$1" "$op" "$3"
}

# What the archive offers of package $1, for error messages.
apt_offers()
{
	local offers

	offers=$(apt_versions "$1" | paste -sd' ')
	echo "${offers:-nothing}"
}

# Newest version of $1 satisfying "$2 $3".
apt_pick()
{
	local v

	for v in $(apt_versions "$1"); do
		if apt_satisfies "$v" "${2:-}" "${3:-}"; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# The dependency of $1=$2 whose name starts with $3, resolved: prints
# "name version".  Alternatives are tried in order.
apt_resolve_dep()
{
	local name op ver picked errs=

	while read -r name op ver; do
		if picked=$(apt_pick "$name" "$op" "$ver"); then
			echo "$name $picked"
			return 0
		fi
		errs="$errs${errs:+; }$name${op:+ ($op $ver)} needed by $1 $2:"
		errs="$errs the archive offers $(apt_offers "$name")"
	done < <(apt_deps "$1" "$2" "$3")
	echo "${errs:-$1 $2 depends on no $3* package}" >&2
	return 1
}

# Newest version of $1 that the already chosen package $2 at version $3
# can live with: $1's own dependency on $2, if it states one, must hold.
apt_pick_companion()
{
	local v name op ver ok

	for v in $(apt_versions "$1"); do
		ok=1
		while read -r name op ver; do
			[ "$name" = "$2" ] || continue
			ok=0
			apt_satisfies "$3" "$op" "$ver" && { ok=1; break; }
		done < <(apt_deps "$1" "$v" "$2")
		[ "$ok" = 1 ] && { echo "$v"; return 0; }
	done
	echo "$1: no version goes with $2 $3; the archive offers" \
		"$(apt_offers "$1")" >&2
	return 1
}

# The packages of a stock kernel lane, one "name=version" each: the image
# that the newest linux-image-amd64 $1* names, its headers at the newest
# version that goes with that image, and what the headers depend on.
# Prints the kernel release first, on a line of its own.
apt_stock_kernel()
{
	local meta image iver krel hdr hver common kbuild

	meta=$(apt_newest_prefixed linux-image-amd64 "$1")
	[ -n "$meta" ] || { echo "no linux-image-amd64 $1* in Debian's" \
		"suites; the archive offers $(apt_offers linux-image-amd64)" >&2
		return 1; }
	read -r image iver < <(apt_resolve_dep linux-image-amd64 "$meta" \
			       linux-image-) || return 1
	krel=${image#linux-image-}
	hdr=linux-headers-$krel
	hver=$(apt_pick_companion "$hdr" "$image" "$iver") || return 1
	common=$(apt_resolve_dep "$hdr" "$hver" \
		 "linux-headers-${krel%-amd64}-common") || return 1
	kbuild=$(apt_resolve_dep "$hdr" "$hver" linux-kbuild-) || return 1
	echo "$krel"
	echo "$image=$iver $hdr=$hver ${common/ /=} ${kbuild/ /=}"
}

# The source package of a source lane, as "name=version": the
# linux-source-X.Y that the newest linux-source $1* names.
apt_source_kernel()
{
	local meta src ver

	meta=$(apt_newest_prefixed linux-source "$1")
	[ -n "$meta" ] || { echo "no linux-source $1* in Debian's suites;" \
		"the archive offers $(apt_offers linux-source)" >&2; return 1; }
	read -r src ver < <(apt_resolve_dep linux-source "$meta" \
			    linux-source-) || return 1
	echo "$src=$ver"
}
