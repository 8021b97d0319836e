# SPDX-License-Identifier: GPL-2.0
# The storm that once cost lenders their own vectors: on the FIG. 4
# bridge, with nothing free, every device lends (offer ask, floor 1) and
# three of them borrow in loops, an admin revokes leases and flips every
# policy and negotiation mode through msilease, and readers walk every
# sysfs file, all at once.  When the last lease has ended, every device
# has exactly its own vectors again, bound on the device, and the broker
# agrees with the PCI core.

ml_fig4_load
ml_param storm_s 20

# ml_storm_loop SECONDS CMD...: run CMD again and again until then.
ml_storm_loop()
{
	local end=$(($(date +%s) + $1))

	shift
	while [ "$(date +%s)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1
	done
}

storm_revoke()
{
	local id

	id=$(head -n 1 "$ML_SYS/bridges/$FIG/leases" | cut -d' ' -f1)
	[ -n "$id" ] && msilease revoke "$FIG" "$id"
}

storm_knobs()
{
	local p n

	for p in closest priority least-loaded fewest-lenders even-spread; do
		for n in parallel sequential; do
			msilease set "$FIG" policy=$p negotiation=$n
		done
	done
}

storm_read()
{
	find "$ML_SYS/bridges/$FIG" -type f -perm -0444 -exec cat {} +
	msilease --json status
	msilease --json leases
}

if [ -n "$D" ]; then
	own="4 6 2 5"
	set -- $own
	for f in $A $B $C $D; do
		echo "$1" > "$(ml_sdir "$f")/own"
		echo ask > "$(ml_sdir "$f")/offer"
		echo 'cooperative=1 floor=1' > "$(ml_fn_dir "$f")/terms"
		shift
	done
	cat "$ML_SYS/bridges/$FIG/vectors" > "$ML_SYS/bridges/$FIG/budget"
	ml_is storm_before "$(ml_groups)" "$own"
	dmesg -c > /dev/null

	ml_storm_loop "$ML_STORM_S" sh -c "echo '1 300' > $(ml_sdir "$C")/borrow" &
	ml_storm_loop "$ML_STORM_S" sh -c "echo '2 700 partial' > $(ml_sdir "$B")/borrow" &
	ml_storm_loop "$ML_STORM_S" sh -c "echo '1 400 partial' > $(ml_sdir "$D")/borrow" &
	ml_storm_loop "$ML_STORM_S" storm_revoke &
	ml_storm_loop "$ML_STORM_S" storm_knobs &
	ml_storm_loop "$ML_STORM_S" storm_read &
	wait

	ml_check storm_leases_end ml_wait_leases_end
	ml_is storm_groups_after "$(ml_groups)" "$own"
	got=
	for f in $A $B $C $D; do
		got="$got$(cat "$(ml_sdir "$f")/own") "
	done
	ml_is storm_own_vectors_bound "${got% }" "$own"
	ml_is storm_nothing_lent "$(cat "$ML_SYS/bridges/$FIG/lent")" 0
	ml_is storm_no_failed_bind_or_reclaim \
		"$(dmesg | grep -c -e 'cannot bind' -e 'cannot take back')" 0
	echo "    # storm: $(dmesg | grep -c 'vectors from') grants," \
		"$(dmesg | grep -c 'ended$') lease ends in ${ML_STORM_S} s" \
		>> "$ML_KTAP"
	ml_check_all storm_after
	# As the suites after this one expect: 5 vectors each, no budget.
	echo unlimited > "$ML_SYS/bridges/$FIG/budget"
	msilease set "$FIG" policy=closest negotiation=parallel >/dev/null
	for f in $A $B $C $D; do
		echo 5 > "$(ml_sdir "$f")/own"
	done
fi
