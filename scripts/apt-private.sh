#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Refresh the rig's private apt index (bookworm, bookworm-backports,
# trixie-backports) at most once every six hours.
. "$(dirname "$0")/lib.sh"

mkdir -p "$ML_APT/lists/partial" "$ML_APT/cache/archives/partial"
cat > "$ML_APT/sources.list" <<LIST
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
LIST
if ! ml_fresh "$ML_APT/updated" 21600; then
	ml_log "apt: refreshing private index"
	ml_apt apt-get -qq update
	touch "$ML_APT/updated"
fi
