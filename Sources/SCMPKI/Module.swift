import SCMCore
