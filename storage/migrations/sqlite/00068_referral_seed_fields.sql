-- +goose Up
-- The referral form as the seeds ask it: the support needs of the school
-- and of the parents, parenting needs, the agencies already involved,
-- earlier assessments, whether the student and the parents know and
-- agree, and a problem category from the installation's list (counted in
-- the steering figures). Existing referrals have them empty.
ALTER TABLE referrals ADD COLUMN support_school TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN support_parents TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN parenting_needs TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN agencies_involved TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN assessments TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN informed TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN problem_category TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'append-only: no down migration';
