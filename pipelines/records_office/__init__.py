"""The records office's acts on the archive (Sở Nội vụ): reclassification and legal holds
carried to the packages, and the execution of approved destructions with their record."""
