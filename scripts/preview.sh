#!/bin/sh
# Turn a .docx into PNG pages to look at its layout without Word:
#   scripts/preview.sh output/草稿.docx [out_dir] [dpi]
# Needs LibreOffice (soffice) and poppler (pdftoppm). Machines without the GB
# fonts get them mapped to Noto CJK (仿宋/楷体/宋体/小标宋 → serif, 黑体 → sans)
# so headings and body still look different, as on an office PC.
set -eu
docx=${1:?usage: scripts/preview.sh FILE.docx [out_dir] [dpi]}
out=${2:-$(dirname "$docx")/preview}
dpi=${3:-60}
name=$(basename "$docx" .docx)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

alias_to() {  # $1 = GB font name, $2 = stand-in family
  printf '<match target="pattern"><test name="family"><string>%s</string></test>' "$1"
  printf '<edit name="family" mode="assign" binding="strong"><string>%s</string></edit></match>\n' "$2"
}
{
  echo '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
  echo '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
  for f in 仿宋_GB2312 仿宋 楷体_GB2312 楷体 宋体 方正小标宋简体; do alias_to "$f" "Noto Serif CJK SC"; done
  alias_to 黑体 "Noto Sans CJK SC"
  echo '</fontconfig>'
} > "$work/fonts.conf"

mkdir -p "$out"
# a private LibreOffice profile, so a running office (or another preview) does not block us
FONTCONFIG_FILE="$work/fonts.conf" soffice --headless \
  "-env:UserInstallation=file://$work/profile" \
  --convert-to pdf --outdir "$work" "$docx" >/dev/null 2>&1
rm -f "$out/$name"-*.png
pdftoppm -png -r "$dpi" "$work/$name.pdf" "$out/$name"
ls "$out/$name"-*.png
