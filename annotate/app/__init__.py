"""The coders' tool: a local web app to code a clip with its face features in view.

    annotate code CLIP_OR_PROJECT_FOLDER --coder ana --scheme care_clip

starts a server (annotate.app.server) on 127.0.0.1 and opens the page (annotate/app/static/,
plain HTML, CSS and JavaScript modules: no CDN, no build step). The pieces, one job each:

    tool.py        the running tool: the open project, the coding service, background jobs
    project.py     the open project: its folder, its clips (nothing else is ever served)
    clip_media.py  what the browser gets to play: playability, frame times, the H.264 proxy
    proxy.py       encoding the proxy with PyAV (times kept on the original's time base)
    features.py    a clip's features for the page: overlays and episode lanes
    jobs.py        feature extraction and proxies in a background thread, with progress
    coding.py      the store behind the page: revisions per clip and coder, 409 on stale writes
    bodies.py      request bodies: size limit, JSON, field checks
    guard.py       who may ask: host, token, origin, content type
    routes_clips.py   the endpoints for the page and the clips (facts, video, features)
    routes_coding.py  the endpoints that read and change a clip's coding
    server.py      the Starlette app, its error answers, and running it with uvicorn
    routes_project.py   the project view: statuses per coder, next clip, the done mark
    routes_consensus.py the consensus view's endpoints
    routes_keys.py      the coder's own keys
    routes_undo.py      undo and redo from the store's history
    routes_import.py    importing an annotation file from the page
    routes_sound.py     a clip's sound levels for the energy lane
    consensus.py   the consensus view behind the page (two coders, the agreed version)
    blinding.py    blinded coding: clips by alias, the phase hidden until the coder is done
    blind_view.py  what a request's coder may see of a clip under blinding
    keymaps.py     a coder's own keys, one file per coder beside the store
    uploads.py     an uploaded annotation file, imported with the library's import
    sound_lanes.py a clip's sound as the page draws it: energy lane and vocal lanes

Every change is written to the project's SQLite store (annotate.coding) in its own transaction
before the page is told it is saved, so killing the server or closing the tab loses nothing the
page had shown as saved.
"""
