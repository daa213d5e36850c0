-- The shipped replacement rules named their source by an internal seed number: the ledger's copy says 吉林省调研 as the shipped file now does.
UPDATE `item_terms` SET `life_note` = replace(`life_note`, '吉林省调研(seed 000)', '吉林省调研') WHERE `life_note` LIKE '%(seed 000)%';
