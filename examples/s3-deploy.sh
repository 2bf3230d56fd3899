#!/usr/bin/env bash
# Upload a built lemma site (public/) to an S3 bucket, or to any S3-compatible store (Cloudflare
# R2, MinIO, Aliyun OSS, Tencent COS, …: pass its --endpoint-url), with the AWS CLI.
#
#   examples/s3-deploy.sh s3://BUCKET[/PREFIX] [more aws s3 options, e.g. --endpoint-url URL]
#
# Each kind of file gets its own Content-Type and Cache-Control, set explicitly rather than
# guessed from the uploading machine's MIME table (which often lacks font/woff2 and calls the
# feed plain application/xml):
#   pages            text/html; charset=utf-8          revalidate on every visit
#   atom.xml         application/atom+xml              5 minutes
#   sitemap.xml, robots.txt, style.css                 1 hour
#   KaTeX fonts      font/woff2, font/woff, font/ttf   30 days
#   anything else    the AWS CLI's guess               1 day
# Files go up before pages, so a new page never points at a file not uploaded yet; files the
# site no longer has are deleted last. lemma rewrites every file on each build, so each run
# uploads everything again.
#
# Directory URLs: lemma's pages are /archives/1/ → archives/1/index.html. S3's *website*
# endpoint serves index.html for such URLs once the bucket is a website:
#   aws s3 website s3://BUCKET/ --index-document index.html --error-document 404.html
# Its plain REST endpoint (what CloudFront uses with a private bucket) does not: there, add a
# CloudFront Function on viewer requests that appends index.html to URIs ending in "/".
set -euo pipefail

target=${1:?usage: $0 s3://BUCKET[/PREFIX] [aws s3 options]}
shift
site=${SITE:-public}
[ -f "$site/index.html" ] || { echo "$0: no $site/index.html; run lemma build first" >&2; exit 1; }
target=${target%/}

revalidate="public, max-age=0, must-revalidate"
short="public, max-age=300"
hour="public, max-age=3600"
day="public, max-age=86400"
month="public, max-age=2592000"

# sync PATTERN CONTENT-TYPE CACHE-CONTROL [options]: upload the files matching PATTERN.
sync() {
    local pattern=$1 type=$2 cache=$3
    shift 3
    aws s3 sync "$site/" "$target/" --only-show-errors --exclude '*' --include "$pattern" \
        --content-type "$type" --cache-control "$cache" "$@"
}

sync '*.woff2' font/woff2 "$month" "$@"
sync '*.woff' font/woff "$month" "$@"
sync '*.ttf' font/ttf "$month" "$@"
sync '*.css' 'text/css; charset=utf-8' "$hour" "$@"
# Images and other files copied from content/ and static/.
aws s3 sync "$site/" "$target/" --only-show-errors \
    --exclude '*.html' --exclude '*.xml' --exclude '*.txt' --exclude '*.css' \
    --exclude '*.woff2' --exclude '*.woff' --exclude '*.ttf' --cache-control "$day" "$@"
sync 'robots.txt' 'text/plain; charset=utf-8' "$hour" "$@"
sync 'sitemap.xml' 'application/xml; charset=utf-8' "$hour" "$@"
sync 'atom.xml' 'application/atom+xml; charset=utf-8' "$short" "$@"
sync '*.html' 'text/html; charset=utf-8' "$revalidate" "$@"
# Everything above is now up to date, so this deletes what the site no longer has (and uploads
# any file no pattern above took, such as a .txt or .xml of content/, with a guessed type).
aws s3 sync "$site/" "$target/" --only-show-errors --delete "$@"
