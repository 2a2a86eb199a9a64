"""Files to and from the coding records (ELAN, BORIS, Datavyu, VCode, iCatcher+, RTTM, tables).

- `convert`: any supported file read or written by its extension, and `convert` between them.
- `eaf`: ELAN .eaf files to and from coding records.
- `eaf_xml`: ELAN files as a document model (parse and write, keeping everything).
- `eaf_build`: an ELAN document built from coding records (the writing half).
- `eaf_derive`: the scheme an ELAN file brings (tiers, controlled vocabularies as codes).
- `eaf_times`: ELAN annotations' times (unaligned slots, reference annotations, slot layout).
- `boris`: BORIS projects (.boris) to coding records.
- `boris_tabular`: BORIS's tabular and aggregated event exports (.tsv, .csv) to coding records.
- `datavyu`: Datavyu projects (.opf) to coding records.
- `datavyu_write`: coding records to a Datavyu project.
- `vcode`: VCode text files to coding records.
- `icatcher`: iCatcher+ output (an automatic coder of infant gaze) to coding records.
- `rttm`: RTTM (diarization, e.g. VTC's voices) to and from coding records.
- `rttm_vocal`: the automatic vocal episodes as RTTM speakers with VTC's labels.
- `tables`: annotations as a long table (CSV or Parquet), one row per annotation.
- `times`: times read from annotation files, one check for every reader.
- `store_files`: a file imported into the annotation store; a clip exported from it.
"""
