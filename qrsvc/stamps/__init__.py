"""Anti-counterfeit stamps: runs, serial codes and signatures."""
