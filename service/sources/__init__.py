"""Source adapters: fetching bytes politely and parsing them into report records.

Nothing here touches the database. The modules, one concept each:

* :mod:`.fetch` — the bounded HTTP fetcher (deadline, byte cap, redirects re-checked)
  and :func:`read_local` for files and folders;
* :mod:`.rss`, :mod:`.acled`, :mod:`.gdelt` — one parser per source kind;
* :mod:`.detect` — which kind a file is, for backfills;
* :mod:`.text` — plain-text cleaning shared by the parsers;
* :mod:`.errors` — the :class:`SourceError` tree, with operator-facing messages.
"""
