"""From the user's facts and the bank to a draft's outline: facts, wording, composition."""
