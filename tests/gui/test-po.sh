#!/usr/bin/env bash
# test-po.sh SRCDIR: the translations are complete and nothing translatable
# is left out of them (TAP).
#
#  1. every file with translatable strings (_() / N_() in src/gui, translatable="yes"
#     in ui/, the desktop, metainfo and schema files in data/) is in po/POTFILES;
#  2. every file in po/POTFILES exists;
#  3. for each language in po/LINGUAS, the .po merged with a catalogue made
#     from the sources now has no untranslated or fuzzy message, and msgfmt -c
#     (format strings, plural forms, header) accepts it.
set -euo pipefail
src=${1:?usage: test-po.sh SRCDIR}
for tool in xgettext msgmerge msgfmt; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP $tool is not installed (gettext)"
    exit 0
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }

langs=$(grep -v '^#' "$src/po/LINGUAS" | tr -s ' \n' '\n' | grep -v '^$' || true)
echo "1..$((2 + $(echo "$langs" | grep -c . )))"

listed=$(grep -v '^#' "$src/po/POTFILES" | grep -v '^$' | sort)
cd "$src"
needed=$( { grep -lE '\b(N_|_) *\(' src/gui/*.c || true;
            grep -l 'translatable="yes"' ui/*.ui || true;
            ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml; } | sort -u)
missing=$(comm -23 <(echo "$needed") <(echo "$listed"))
if [ -z "$missing" ]; then
  ok "po/POTFILES lists every file with translatable strings"
else
  not_ok "po/POTFILES lists every file with translatable strings"
  echo "$missing" | sed 's/^/# not in po\/POTFILES: /'
fi

gone=""
for f in $listed; do [ -f "$f" ] || gone="$gone $f"; done
if [ -z "$gone" ]; then
  ok "every file in po/POTFILES exists"
else
  not_ok "every file in po/POTFILES exists"
  echo "# missing:$gone"
fi

# The same keywords as meson's i18n.gettext(preset: 'glib').
xgettext --from-code=UTF-8 --add-comments=TRANSLATORS --files-from=<(echo "$listed") \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_set_error:4:c-format --flag=g_printerr:1:c-format \
  --output="$tmp/wifi-verify.pot" 2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log" | sed 's/^/# /'; exit 1; }

for lang in $langs; do
  msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" "$src/po/$lang.po" "$tmp/wifi-verify.pot"
  if stats=$(msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1) &&
     ! echo "$stats" | grep -qE 'untranslated|fuzzy'; then
    ok "po/$lang.po is complete and valid ($stats)"
  else
    not_ok "po/$lang.po is complete and valid"
    echo "$stats" | sed 's/^/# /'
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | sed 's/^/# untranslated: /' || true
  fi
done
exit $fail
