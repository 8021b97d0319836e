# SPDX-License-Identifier: GPL-2.0
# The msilease CLI against the live sysfs interface: what it shows is
# what the files say, its changes take, its errors are clear and its
# exit codes right.

[ -d "$ML_SYS" ] || ml_load

# ml_rc NAME WANT CMD...: CMD exits with WANT.
ml_rc()
{
	local name=$1 want=$2 rc

	shift 2
	"$@" > /tmp/cli.out 2> /tmp/cli.err
	rc=$?
	ML_DIAG=
	ml_expect_eq "exit of '$*' ($(head -c 200 /tmp/cli.err))" "$rc" "$want"
	ml_verdict "$name"
}

ml_rc cli_help 0 msilease --help
ml_rc cli_bad_option 2 msilease --bogus status
ml_rc cli_bad_command 2 msilease frobnicate
ml_rc cli_status 0 msilease status
for b in "$ML_SYS"/bridges/*; do
	n=${b##*/}
	ml_is "cli_status_$n" \
		"$(awk -v b="$n" '$1 == b { print $3 " " $7 }' /tmp/cli.out)" \
		"$(cat "$b/vectors") $(cat "$b/nr_functions")"
done
ml_rc cli_status_json 0 msilease --json status
ml_check cli_status_json_shape grep -q '^\[{"bridge": "pci0000:00", "budget": "unlimited", ' /tmp/cli.out

NVME=$(ml_first_of nvme)
BR=$(ml_bridge_of "$NVME")
ml_rc cli_devices 0 msilease devices "$BR"
ml_is cli_devices_nvme \
	"$(awk -v f="$NVME" '$2 == f { print $3 " " $5 }' /tmp/cli.out)" \
	"nvme $(cat "$(ml_fn_dir "$NVME")/vectors")"
ml_rc cli_devices_json 0 msilease --json devices "$BR"
ml_check cli_devices_json_nvme grep -q "\"function\": \"$NVME\", \"driver\": \"nvme\"" /tmp/cli.out
ml_rc cli_devices_no_bridge 3 msilease devices pci0000:99

# Admin changes: taken, refused with the reason, nothing half-done.
ml_rc cli_set 0 msilease set "$BR" budget=99 policy=priority
ml_is cli_set_took "$(cat "$ML_SYS/bridges/$BR/settings")" \
	"budget=99 negotiation=parallel policy=priority max_lease_ms=0"
ml_rc cli_set_refused 1 msilease set "$BR" budget=7 policy=nope
ml_check cli_set_refused_says_why grep -q 'Invalid argument' /tmp/cli.err
ml_is cli_set_refused_unchanged "$(cat "$ML_SYS/bridges/$BR/budget")" 99
ml_rc cli_set_not_pairs 2 msilease set "$BR" budget
ml_rc cli_set_no_bridge 3 msilease set pci0000:99 budget=1
ml_rc cli_set_back 0 msilease set "$BR" budget=unlimited policy=closest
ml_rc cli_terms 0 msilease terms "$NVME" priority=2 floor=1
ml_is cli_terms_took "$(cat "$(ml_fn_dir "$NVME")/terms")" \
	"cooperative=0 priority=2 floor=1 max_lend=0"
ml_rc cli_terms_refused 1 msilease terms "$NVME" floor=-1
ml_rc cli_terms_no_function 3 msilease terms 0000:99:00.0 floor=1
msilease terms "$NVME" priority=0 floor=0
ml_rc cli_cap 0 msilease cap "$NVME" 2
ml_is cli_cap_took "$(cat "$(ml_fn_dir "$NVME")/max_vectors")" 2
ml_rc cli_cap_refused 1 msilease cap "$NVME" lots
ml_rc cli_cap_no_function 3 msilease cap 0000:99:00.0 2
ml_rc cli_cap_back 0 msilease cap "$NVME" unlimited

# top: two frames while nvme reads; its row agrees with sysfs and its
# interrupts per second are counted on the second frame.
(for i in $(seq 20); do ml_nvme_io > /dev/null 2>&1; done) &
ml_rc cli_top 0 msilease top -b -d 1 -n 2 "$BR"
wait
ml_is cli_top_nvme_rows \
	"$(awk -v f="$NVME" '$1 == f { print $2, $3, $4, ($8 == "-" ? "-" : $8 > 0) }' /tmp/cli.out | tr '\n' ' ')" \
	"nvme $(cat "$(ml_fn_dir "$NVME")/vectors") unlimited - nvme $(cat "$(ml_fn_dir "$NVME")/vectors") unlimited 1 "
ml_rc cli_top_json 0 msilease --json top -b -n 1 "$BR"
ml_check cli_top_json_shape grep -q "\"function\": \"$NVME\", \"driver\": \"nvme\", \"vectors\": [0-9]*, \"max_vectors\": \"unlimited\", \"demand\": [0-9]*, \"unmet\": 0, \"idle\": [0-9]*, \"interrupts\": [0-9]*, \"irqs_per_s\": \"-\"" /tmp/cli.out
ml_rc cli_top_batch 0 msilease top -b -n 1
ml_is cli_top_every_bridge "$(grep -c '^bridge ' /tmp/cli.out)" \
	"$(ls "$ML_SYS/bridges" | wc -l)"
ml_rc cli_top_no_bridge 3 msilease top -b -n 1 pci0000:99
ml_rc cli_top_bad_delay 2 msilease top -d 0

ml_rc cli_revoke_no_lease 3 msilease revoke "$BR" 123456
ml_rc cli_revoke_not_a_number 2 msilease revoke "$BR" x

# A real lease, seen and revoked through the CLI.
ml_fig4_load
if [ -n "$D" ]; then
	ml_fig4_full
	echo 2:60000 > "$(ml_sdir "$A")/offer"
	echo none > "$(ml_sdir "$B")/offer"
	echo none > "$(ml_sdir "$D")/offer"
	ml_check cli_borrow ml_borrow "$C" 2 60000
	ml_rc cli_leases 0 msilease leases "$FIG"
	ml_is cli_leases_shows "$(awk 'NR == 2 { print $3 " " $4 " " $5 }' /tmp/cli.out)" \
		"$A $C 2"
	ml_rc cli_leases_json 0 msilease --json leases
	ml_check cli_leases_json_shape grep -q "\"lender\": \"$A\", \"borrower\": \"$C\", \"vectors\": 2" /tmp/cli.out
	ml_rc cli_watch 0 msilease watch 1 2
	ml_is cli_watch_twice "$(grep -c '^BRIDGE' /tmp/cli.out)" 2
	ml_rc cli_revoke 0 msilease revoke "$FIG" "$(ml_lease_ids)"
	ml_is cli_revoked "$(ml_lease_ids)" ""
	ml_is cli_revoked_groups "$(ml_groups)" "5 5 3 5"
	echo unlimited > "$ML_SYS/bridges/$FIG/budget"
fi
ml_check cli_sample_unloads rmmod msi_lease_sample
ml_check_all cli_done
