"""Supply contracts: their life on Enedis contract events (:mod:`.lifecycle`)."""
