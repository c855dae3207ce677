"""Data revision triggers, generated from portal/revisions/registry.py by
`python -m portal.revisions.triggers`. Frozen SQL: never edit it; change the registry and generate
a new migration. forwards() drops every data revision trigger there is and creates these; backwards()
does the same with the previous migration's set.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T01:37:31:108883"
VERSION = "1.38.0"
DESCRIPTION = "data revision triggers from the registry"

SQLITE = ['CREATE TRIGGER rev_partner_insert AFTER INSERT ON partner WHEN NEW.id IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.id, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_partner_update_new AFTER UPDATE ON partner WHEN NEW.id IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.id, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_partner_update_old AFTER UPDATE ON partner WHEN OLD.id IS NOT NULL AND OLD.id IS NOT '
 'NEW.id BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.id, 1) ON CONFLICT (scope) DO UPDATE SET '
 'rev = rev + 1; END',
 'CREATE TRIGGER rev_partner_delete AFTER DELETE ON partner WHEN OLD.id IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (OLD.id, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_portal_user_insert AFTER INSERT ON portal_user WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_portal_user_update_new AFTER UPDATE ON portal_user WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_portal_user_update_old AFTER UPDATE ON portal_user WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_portal_user_delete AFTER DELETE ON portal_user WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_product_insert AFTER INSERT ON product BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_product_update AFTER UPDATE ON product BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_product_delete AFTER DELETE ON product BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_job_type_insert AFTER INSERT ON job_type BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_job_type_update AFTER UPDATE ON job_type BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_job_type_delete AFTER DELETE ON job_type BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_insert AFTER INSERT ON claim WHEN NEW.partner IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_update_new AFTER UPDATE ON claim WHEN NEW.partner IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_update_old AFTER UPDATE ON claim WHEN OLD.partner IS NOT NULL AND OLD.partner IS '
 'NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) '
 'DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_delete AFTER DELETE ON claim WHEN OLD.partner IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_ledger_account_insert AFTER INSERT ON ledger_account WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_ledger_account_update_new AFTER UPDATE ON ledger_account WHEN NEW.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_ledger_account_update_old AFTER UPDATE ON ledger_account WHEN OLD.partner IS NOT NULL '
 'AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_ledger_account_delete AFTER DELETE ON ledger_account WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_ledger_lot_insert AFTER INSERT ON ledger_lot WHEN NEW.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_ledger_lot_update_new AFTER UPDATE ON ledger_lot WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_ledger_lot_update_old AFTER UPDATE ON ledger_lot WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_ledger_lot_delete AFTER DELETE ON ledger_lot WHEN OLD.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_reward_rule_insert AFTER INSERT ON reward_rule BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_reward_rule_update AFTER UPDATE ON reward_rule BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_reward_rule_delete AFTER DELETE ON reward_rule BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_period_insert AFTER INSERT ON period BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_period_update AFTER UPDATE ON period BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_period_delete AFTER DELETE ON period BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_insert AFTER INSERT ON plan BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_update AFTER UPDATE ON plan BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_delete AFTER DELETE ON plan BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_sales_insert AFTER INSERT ON plan_sales WHEN NEW.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_plan_sales_update_new AFTER UPDATE ON plan_sales WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_plan_sales_update_old AFTER UPDATE ON plan_sales WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_sales_delete AFTER DELETE ON plan_sales WHEN OLD.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_prize_insert AFTER INSERT ON prize BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_update AFTER UPDATE ON prize BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_delete AFTER DELETE ON prize BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_variant_insert AFTER INSERT ON prize_variant BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_variant_update AFTER UPDATE ON prize_variant BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_variant_delete AFTER DELETE ON prize_variant BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_image_insert AFTER INSERT ON prize_image BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_image_update AFTER UPDATE ON prize_image BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_image_delete AFTER DELETE ON prize_image BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_order_policy_insert AFTER INSERT ON order_policy WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_order_policy_update_new AFTER UPDATE ON order_policy WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_order_policy_update_old AFTER UPDATE ON order_policy WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_order_policy_delete AFTER DELETE ON order_policy WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_prize_order_insert AFTER INSERT ON prize_order WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_prize_order_update_new AFTER UPDATE ON prize_order WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_prize_order_update_old AFTER UPDATE ON prize_order WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_order_delete AFTER DELETE ON prize_order WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_game_tier_insert AFTER INSERT ON game_tier BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_tier_update AFTER UPDATE ON game_tier BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_tier_delete AFTER DELETE ON game_tier BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_insert AFTER INSERT ON game_partner_tier WHEN NEW.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_update_new AFTER UPDATE ON game_partner_tier WHEN NEW.partner IS NOT '
 'NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE '
 'SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_update_old AFTER UPDATE ON game_partner_tier WHEN OLD.partner IS NOT '
 'NULL AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, '
 '1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_delete AFTER DELETE ON game_partner_tier WHEN OLD.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_game_division_insert AFTER INSERT ON game_division BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_update AFTER UPDATE ON game_division BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_delete AFTER DELETE ON game_division BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_insert AFTER INSERT ON game_division_member WHEN NEW.partner IS '
 'NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_update_new AFTER UPDATE ON game_division_member WHEN NEW.partner '
 'IS NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_update_old AFTER UPDATE ON game_division_member WHEN OLD.partner '
 'IS NOT NULL AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_delete AFTER DELETE ON game_division_member WHEN OLD.partner IS '
 'NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_standing_insert AFTER INSERT ON game_standing WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_game_standing_update_new AFTER UPDATE ON game_standing WHEN NEW.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_game_standing_update_old AFTER UPDATE ON game_standing WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_standing_delete AFTER DELETE ON game_standing WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_game_board_privacy_insert AFTER INSERT ON game_board_privacy WHEN NEW.partner IS NOT '
 'NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE '
 'SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_board_privacy_update_new AFTER UPDATE ON game_board_privacy WHEN NEW.partner IS '
 'NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_board_privacy_update_old AFTER UPDATE ON game_board_privacy WHEN OLD.partner IS '
 'NOT NULL AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_board_privacy_delete AFTER DELETE ON game_board_privacy WHEN OLD.partner IS NOT '
 'NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE '
 'SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_league_rules_insert AFTER INSERT ON game_league_rules BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_league_rules_update AFTER UPDATE ON game_league_rules BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_league_rules_delete AFTER DELETE ON game_league_rules BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END']

POSTGRES = ['CREATE OR REPLACE FUNCTION data_touch_rows() RETURNS trigger AS $$ BEGIN INSERT INTO data_touch (scope) '
 'SELECT DISTINCT (to_jsonb(r) ->> TG_ARGV[0])::bigint FROM new_rows r WHERE to_jsonb(r) ->> TG_ARGV[0] IS '
 'NOT NULL; RETURN NULL; END $$ LANGUAGE plpgsql',
 'CREATE OR REPLACE FUNCTION data_touch_old_rows() RETURNS trigger AS $$ BEGIN INSERT INTO data_touch '
 '(scope) SELECT DISTINCT (to_jsonb(r) ->> TG_ARGV[0])::bigint FROM old_rows r WHERE to_jsonb(r) ->> '
 'TG_ARGV[0] IS NOT NULL; RETURN NULL; END $$ LANGUAGE plpgsql',
 'CREATE OR REPLACE FUNCTION data_touch_global() RETURNS trigger AS $$ BEGIN INSERT INTO data_touch (scope) '
 'VALUES (0); RETURN NULL; END $$ LANGUAGE plpgsql',
 "CREATE OR REPLACE FUNCTION data_touch_rows_via() RETURNS trigger AS $$ BEGIN EXECUTE format('INSERT INTO "
 'data_touch (scope) SELECT DISTINCT t.%I FROM %I t WHERE t.%I IS NOT NULL AND t.id IN (SELECT (to_jsonb(r) '
 "->> %L)::bigint FROM new_rows r)', TG_ARGV[2], TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]); RETURN NULL; END $$ "
 'LANGUAGE plpgsql',
 "CREATE OR REPLACE FUNCTION data_touch_old_rows_via() RETURNS trigger AS $$ BEGIN EXECUTE format('INSERT "
 'INTO data_touch (scope) SELECT DISTINCT t.%I FROM %I t WHERE t.%I IS NOT NULL AND t.id IN (SELECT '
 "(to_jsonb(r) ->> %L)::bigint FROM old_rows r)', TG_ARGV[2], TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]); RETURN "
 'NULL; END $$ LANGUAGE plpgsql',
 'CREATE TRIGGER rev_partner_insert AFTER INSERT ON partner REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('id')",
 'CREATE TRIGGER rev_partner_update_new AFTER UPDATE ON partner REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('id')",
 'CREATE TRIGGER rev_partner_update_old AFTER UPDATE ON partner REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('id')",
 'CREATE TRIGGER rev_partner_delete AFTER DELETE ON partner REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('id')",
 'CREATE TRIGGER rev_portal_user_insert AFTER INSERT ON portal_user REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_portal_user_update_new AFTER UPDATE ON portal_user REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_portal_user_update_old AFTER UPDATE ON portal_user REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_portal_user_delete AFTER DELETE ON portal_user REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_product AFTER INSERT OR DELETE OR UPDATE ON product FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_job_type AFTER INSERT OR DELETE OR UPDATE ON job_type FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_claim_insert AFTER INSERT ON claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
 "EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_claim_update_new AFTER UPDATE ON claim REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_claim_update_old AFTER UPDATE ON claim REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_claim_delete AFTER DELETE ON claim REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
 "EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_insert AFTER INSERT ON ledger_account REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_update_new AFTER UPDATE ON ledger_account REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_update_old AFTER UPDATE ON ledger_account REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_delete AFTER DELETE ON ledger_account REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_insert AFTER INSERT ON ledger_lot REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_update_new AFTER UPDATE ON ledger_lot REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_update_old AFTER UPDATE ON ledger_lot REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_delete AFTER DELETE ON ledger_lot REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_reward_rule AFTER INSERT OR DELETE OR UPDATE ON reward_rule FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_period AFTER INSERT OR DELETE OR UPDATE ON period FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_plan AFTER INSERT OR DELETE OR UPDATE ON plan FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_plan_sales_insert AFTER INSERT ON plan_sales REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_plan_sales_update_new AFTER UPDATE ON plan_sales REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_plan_sales_update_old AFTER UPDATE ON plan_sales REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_plan_sales_delete AFTER DELETE ON plan_sales REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_prize AFTER INSERT OR DELETE OR UPDATE ON prize FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_prize_variant AFTER INSERT OR DELETE OR UPDATE ON prize_variant FOR EACH STATEMENT '
 'EXECUTE FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_prize_image AFTER INSERT OR DELETE OR UPDATE ON prize_image FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_order_policy_insert AFTER INSERT ON order_policy REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_order_policy_update_new AFTER UPDATE ON order_policy REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_order_policy_update_old AFTER UPDATE ON order_policy REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_order_policy_delete AFTER DELETE ON order_policy REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_prize_order_insert AFTER INSERT ON prize_order REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_prize_order_update_new AFTER UPDATE ON prize_order REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_prize_order_update_old AFTER UPDATE ON prize_order REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_prize_order_delete AFTER DELETE ON prize_order REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_tier AFTER INSERT OR DELETE OR UPDATE ON game_tier FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_game_partner_tier_insert AFTER INSERT ON game_partner_tier REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_partner_tier_update_new AFTER UPDATE ON game_partner_tier REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_partner_tier_update_old AFTER UPDATE ON game_partner_tier REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_partner_tier_delete AFTER DELETE ON game_partner_tier REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_division AFTER INSERT OR DELETE OR UPDATE ON game_division FOR EACH STATEMENT '
 'EXECUTE FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_game_division_member_insert AFTER INSERT ON game_division_member REFERENCING NEW TABLE '
 "AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_division_member_update_new AFTER UPDATE ON game_division_member REFERENCING NEW '
 "TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_division_member_update_old AFTER UPDATE ON game_division_member REFERENCING OLD '
 "TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_division_member_delete AFTER DELETE ON game_division_member REFERENCING OLD TABLE '
 "AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_standing_insert AFTER INSERT ON game_standing REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_standing_update_new AFTER UPDATE ON game_standing REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_standing_update_old AFTER UPDATE ON game_standing REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_standing_delete AFTER DELETE ON game_standing REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_board_privacy_insert AFTER INSERT ON game_board_privacy REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_board_privacy_update_new AFTER UPDATE ON game_board_privacy REFERENCING NEW TABLE '
 "AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_board_privacy_update_old AFTER UPDATE ON game_board_privacy REFERENCING OLD TABLE '
 "AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_board_privacy_delete AFTER DELETE ON game_board_privacy REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_league_rules AFTER INSERT OR DELETE OR UPDATE ON game_league_rules FOR EACH '
 'STATEMENT EXECUTE FUNCTION data_touch_global()']

PREVIOUS_SQLITE = ['CREATE TRIGGER rev_partner_insert AFTER INSERT ON partner WHEN NEW.id IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.id, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_partner_update_new AFTER UPDATE ON partner WHEN NEW.id IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.id, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_partner_update_old AFTER UPDATE ON partner WHEN OLD.id IS NOT NULL AND OLD.id IS NOT '
 'NEW.id BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.id, 1) ON CONFLICT (scope) DO UPDATE SET '
 'rev = rev + 1; END',
 'CREATE TRIGGER rev_partner_delete AFTER DELETE ON partner WHEN OLD.id IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (OLD.id, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_portal_user_insert AFTER INSERT ON portal_user WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_portal_user_update_new AFTER UPDATE ON portal_user WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_portal_user_update_old AFTER UPDATE ON portal_user WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_portal_user_delete AFTER DELETE ON portal_user WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_product_insert AFTER INSERT ON product BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_product_update AFTER UPDATE ON product BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_product_delete AFTER DELETE ON product BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_job_type_insert AFTER INSERT ON job_type BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_job_type_update AFTER UPDATE ON job_type BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_job_type_delete AFTER DELETE ON job_type BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_insert AFTER INSERT ON claim WHEN NEW.partner IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_update_new AFTER UPDATE ON claim WHEN NEW.partner IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_update_old AFTER UPDATE ON claim WHEN OLD.partner IS NOT NULL AND OLD.partner IS '
 'NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) '
 'DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_claim_delete AFTER DELETE ON claim WHEN OLD.partner IS NOT NULL BEGIN INSERT INTO '
 'data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_ledger_account_insert AFTER INSERT ON ledger_account WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_ledger_account_update_new AFTER UPDATE ON ledger_account WHEN NEW.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_ledger_account_update_old AFTER UPDATE ON ledger_account WHEN OLD.partner IS NOT NULL '
 'AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_ledger_account_delete AFTER DELETE ON ledger_account WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_ledger_lot_insert AFTER INSERT ON ledger_lot WHEN NEW.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_ledger_lot_update_new AFTER UPDATE ON ledger_lot WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_ledger_lot_update_old AFTER UPDATE ON ledger_lot WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_ledger_lot_delete AFTER DELETE ON ledger_lot WHEN OLD.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_reward_rule_insert AFTER INSERT ON reward_rule BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_reward_rule_update AFTER UPDATE ON reward_rule BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_reward_rule_delete AFTER DELETE ON reward_rule BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_period_insert AFTER INSERT ON period BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_period_update AFTER UPDATE ON period BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_period_delete AFTER DELETE ON period BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_insert AFTER INSERT ON plan BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_update AFTER UPDATE ON plan BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_delete AFTER DELETE ON plan BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_sales_insert AFTER INSERT ON plan_sales WHEN NEW.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_plan_sales_update_new AFTER UPDATE ON plan_sales WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_plan_sales_update_old AFTER UPDATE ON plan_sales WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_plan_sales_delete AFTER DELETE ON plan_sales WHEN OLD.partner IS NOT NULL BEGIN INSERT '
 'INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; '
 'END',
 'CREATE TRIGGER rev_prize_insert AFTER INSERT ON prize BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_update AFTER UPDATE ON prize BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_delete AFTER DELETE ON prize BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_variant_insert AFTER INSERT ON prize_variant BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_variant_update AFTER UPDATE ON prize_variant BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_variant_delete AFTER DELETE ON prize_variant BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_image_insert AFTER INSERT ON prize_image BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_image_update AFTER UPDATE ON prize_image BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_image_delete AFTER DELETE ON prize_image BEGIN INSERT INTO data_revision (scope, '
 'rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_order_policy_insert AFTER INSERT ON order_policy WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_order_policy_update_new AFTER UPDATE ON order_policy WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_order_policy_update_old AFTER UPDATE ON order_policy WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_order_policy_delete AFTER DELETE ON order_policy WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_prize_order_insert AFTER INSERT ON prize_order WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_prize_order_update_new AFTER UPDATE ON prize_order WHEN NEW.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_prize_order_update_old AFTER UPDATE ON prize_order WHEN OLD.partner IS NOT NULL AND '
 'OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON '
 'CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_prize_order_delete AFTER DELETE ON prize_order WHEN OLD.partner IS NOT NULL BEGIN '
 'INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev '
 '+ 1; END',
 'CREATE TRIGGER rev_game_tier_insert AFTER INSERT ON game_tier BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_tier_update AFTER UPDATE ON game_tier BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_tier_delete AFTER DELETE ON game_tier BEGIN INSERT INTO data_revision (scope, rev) '
 'VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_insert AFTER INSERT ON game_partner_tier WHEN NEW.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_update_new AFTER UPDATE ON game_partner_tier WHEN NEW.partner IS NOT '
 'NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO UPDATE '
 'SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_update_old AFTER UPDATE ON game_partner_tier WHEN OLD.partner IS NOT '
 'NULL AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, '
 '1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_partner_tier_delete AFTER DELETE ON game_partner_tier WHEN OLD.partner IS NOT NULL '
 'BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev '
 '= rev + 1; END',
 'CREATE TRIGGER rev_game_division_insert AFTER INSERT ON game_division BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_update AFTER UPDATE ON game_division BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_delete AFTER DELETE ON game_division BEGIN INSERT INTO data_revision '
 '(scope, rev) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_insert AFTER INSERT ON game_division_member WHEN NEW.partner IS '
 'NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_update_new AFTER UPDATE ON game_division_member WHEN NEW.partner '
 'IS NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (NEW.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_update_old AFTER UPDATE ON game_division_member WHEN OLD.partner '
 'IS NOT NULL AND OLD.partner IS NOT NEW.partner BEGIN INSERT INTO data_revision (scope, rev) VALUES '
 '(OLD.partner, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1; END',
 'CREATE TRIGGER rev_game_division_member_delete AFTER DELETE ON game_division_member WHEN OLD.partner IS '
 'NOT NULL BEGIN INSERT INTO data_revision (scope, rev) VALUES (OLD.partner, 1) ON CONFLICT (scope) DO '
 'UPDATE SET rev = rev + 1; END']

PREVIOUS_POSTGRES = ['CREATE OR REPLACE FUNCTION data_touch_rows() RETURNS trigger AS $$ BEGIN INSERT INTO data_touch (scope) '
 'SELECT DISTINCT (to_jsonb(r) ->> TG_ARGV[0])::bigint FROM new_rows r WHERE to_jsonb(r) ->> TG_ARGV[0] IS '
 'NOT NULL; RETURN NULL; END $$ LANGUAGE plpgsql',
 'CREATE OR REPLACE FUNCTION data_touch_old_rows() RETURNS trigger AS $$ BEGIN INSERT INTO data_touch '
 '(scope) SELECT DISTINCT (to_jsonb(r) ->> TG_ARGV[0])::bigint FROM old_rows r WHERE to_jsonb(r) ->> '
 'TG_ARGV[0] IS NOT NULL; RETURN NULL; END $$ LANGUAGE plpgsql',
 'CREATE OR REPLACE FUNCTION data_touch_global() RETURNS trigger AS $$ BEGIN INSERT INTO data_touch (scope) '
 'VALUES (0); RETURN NULL; END $$ LANGUAGE plpgsql',
 "CREATE OR REPLACE FUNCTION data_touch_rows_via() RETURNS trigger AS $$ BEGIN EXECUTE format('INSERT INTO "
 'data_touch (scope) SELECT DISTINCT t.%I FROM %I t WHERE t.%I IS NOT NULL AND t.id IN (SELECT (to_jsonb(r) '
 "->> %L)::bigint FROM new_rows r)', TG_ARGV[2], TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]); RETURN NULL; END $$ "
 'LANGUAGE plpgsql',
 "CREATE OR REPLACE FUNCTION data_touch_old_rows_via() RETURNS trigger AS $$ BEGIN EXECUTE format('INSERT "
 'INTO data_touch (scope) SELECT DISTINCT t.%I FROM %I t WHERE t.%I IS NOT NULL AND t.id IN (SELECT '
 "(to_jsonb(r) ->> %L)::bigint FROM old_rows r)', TG_ARGV[2], TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]); RETURN "
 'NULL; END $$ LANGUAGE plpgsql',
 'CREATE TRIGGER rev_partner_insert AFTER INSERT ON partner REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('id')",
 'CREATE TRIGGER rev_partner_update_new AFTER UPDATE ON partner REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('id')",
 'CREATE TRIGGER rev_partner_update_old AFTER UPDATE ON partner REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('id')",
 'CREATE TRIGGER rev_partner_delete AFTER DELETE ON partner REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('id')",
 'CREATE TRIGGER rev_portal_user_insert AFTER INSERT ON portal_user REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_portal_user_update_new AFTER UPDATE ON portal_user REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_portal_user_update_old AFTER UPDATE ON portal_user REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_portal_user_delete AFTER DELETE ON portal_user REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_product AFTER INSERT OR DELETE OR UPDATE ON product FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_job_type AFTER INSERT OR DELETE OR UPDATE ON job_type FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_claim_insert AFTER INSERT ON claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
 "EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_claim_update_new AFTER UPDATE ON claim REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_claim_update_old AFTER UPDATE ON claim REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_claim_delete AFTER DELETE ON claim REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
 "EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_insert AFTER INSERT ON ledger_account REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_update_new AFTER UPDATE ON ledger_account REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_update_old AFTER UPDATE ON ledger_account REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_account_delete AFTER DELETE ON ledger_account REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_insert AFTER INSERT ON ledger_lot REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_update_new AFTER UPDATE ON ledger_lot REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_update_old AFTER UPDATE ON ledger_lot REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_ledger_lot_delete AFTER DELETE ON ledger_lot REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_reward_rule AFTER INSERT OR DELETE OR UPDATE ON reward_rule FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_period AFTER INSERT OR DELETE OR UPDATE ON period FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_plan AFTER INSERT OR DELETE OR UPDATE ON plan FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_plan_sales_insert AFTER INSERT ON plan_sales REFERENCING NEW TABLE AS new_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_plan_sales_update_new AFTER UPDATE ON plan_sales REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_plan_sales_update_old AFTER UPDATE ON plan_sales REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_plan_sales_delete AFTER DELETE ON plan_sales REFERENCING OLD TABLE AS old_rows FOR EACH '
 "STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_prize AFTER INSERT OR DELETE OR UPDATE ON prize FOR EACH STATEMENT EXECUTE FUNCTION '
 'data_touch_global()',
 'CREATE TRIGGER rev_prize_variant AFTER INSERT OR DELETE OR UPDATE ON prize_variant FOR EACH STATEMENT '
 'EXECUTE FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_prize_image AFTER INSERT OR DELETE OR UPDATE ON prize_image FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_order_policy_insert AFTER INSERT ON order_policy REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_order_policy_update_new AFTER UPDATE ON order_policy REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_order_policy_update_old AFTER UPDATE ON order_policy REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_order_policy_delete AFTER DELETE ON order_policy REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_prize_order_insert AFTER INSERT ON prize_order REFERENCING NEW TABLE AS new_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_prize_order_update_new AFTER UPDATE ON prize_order REFERENCING NEW TABLE AS new_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_prize_order_update_old AFTER UPDATE ON prize_order REFERENCING OLD TABLE AS old_rows '
 "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_prize_order_delete AFTER DELETE ON prize_order REFERENCING OLD TABLE AS old_rows FOR '
 "EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_tier AFTER INSERT OR DELETE OR UPDATE ON game_tier FOR EACH STATEMENT EXECUTE '
 'FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_game_partner_tier_insert AFTER INSERT ON game_partner_tier REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_partner_tier_update_new AFTER UPDATE ON game_partner_tier REFERENCING NEW TABLE AS '
 "new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_partner_tier_update_old AFTER UPDATE ON game_partner_tier REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_partner_tier_delete AFTER DELETE ON game_partner_tier REFERENCING OLD TABLE AS '
 "old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_division AFTER INSERT OR DELETE OR UPDATE ON game_division FOR EACH STATEMENT '
 'EXECUTE FUNCTION data_touch_global()',
 'CREATE TRIGGER rev_game_division_member_insert AFTER INSERT ON game_division_member REFERENCING NEW TABLE '
 "AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_division_member_update_new AFTER UPDATE ON game_division_member REFERENCING NEW '
 "TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('partner')",
 'CREATE TRIGGER rev_game_division_member_update_old AFTER UPDATE ON game_division_member REFERENCING OLD '
 "TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')",
 'CREATE TRIGGER rev_game_division_member_delete AFTER DELETE ON game_division_member REFERENCING OLD TABLE '
 "AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('partner')"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="revisions", description=DESCRIPTION)

    async def create_triggers():
        await _replace(SQLITE, POSTGRES)

    async def restore_triggers():
        await _replace(PREVIOUS_SQLITE, PREVIOUS_POSTGRES)

    manager.add_raw(create_triggers)
    manager.add_raw_backwards(restore_triggers)
    return manager


async def _replace(sqlite: list[str], postgres: list[str]) -> None:
    from piccolo.querystring import QueryString

    engine = engine_finder()
    on_sqlite = engine.engine_type == "sqlite"
    if on_sqlite:
        found = "SELECT name, '' AS tbl FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 4) = 'rev_'"
    else:
        found = ("SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                 "WHERE NOT t.tgisinternal AND substr(t.tgname, 1, 4) = 'rev_'")
    for row in await engine.run_querystring(QueryString(found)):
        drop = 'DROP TRIGGER IF EXISTS "' + row["name"] + '"' + ("" if on_sqlite else ' ON "' + row["tbl"] + '"')
        await engine.run_querystring(QueryString(drop))
    for statement in sqlite if on_sqlite else postgres:
        await engine.run_querystring(QueryString(statement))
