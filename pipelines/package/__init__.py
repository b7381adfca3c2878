"""The archival package (E-ARK CSIP, TT 05/2025): its layout and every key of the archive
store, writing and reading a package, the locks of its objects, METS, PREMIS, Dublin Core,
the XMP of the PDF/A, and the DIP a user downloads."""
