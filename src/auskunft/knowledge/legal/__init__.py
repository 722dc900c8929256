"""Legal articles (DSGVO/GDPR, BDSG, UWG, TDDDG, DDG): importers of the official formats, citations, store."""
