-- An allocation's or a reallocation's line names who the case went to (issue 15), so the
-- timeline says who had the case when. Lines stored before this column have none: the
-- latest of them is the complaint's investigator now (ombudsflow/db/timeline.py).
ALTER TABLE timeline ADD COLUMN investigator text;
